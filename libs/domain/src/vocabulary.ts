/** The words of the domain, as closed sets so that the compiler checks every switch. */

export const CHANNELS = ['sms', 'email', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LANGUAGES = ['nl', 'fr', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const URGENCIES = ['urgent', 'normal'] as const;
export type Urgency = (typeof URGENCIES)[number];

/**
 * How a category reaches members:
 * - mandatory: every channel the member registered a verified contact for; a member cannot opt out;
 * - opt_out:   sent unless the member switched the category off for that channel;
 * - opt_in:    sent only where the member switched the category on (COVID after the boards' vote).
 */
export const CATEGORY_RULES = ['mandatory', 'opt_out', 'opt_in'] as const;
export type CategoryRule = (typeof CATEGORY_RULES)[number];

export const BIN_KINDS = ['BIN', 'BINZ'] as const;
export type BinKind = (typeof BIN_KINDS)[number];

export const MEMBERSHIP_ROLES = ['member', 'board'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** The contact point a channel needs: SMS goes to a mobile, voice to a phone, e-mail to an address. */
export const CONTACT_KIND_FOR_CHANNEL: Record<Channel, 'mobile' | 'phone' | 'email'> = {
  sms: 'mobile',
  voice: 'phone',
  email: 'email',
};

/**
 * Lifecycle of one (alert, member, channel), see delivery/delivery-state.ts for the transitions:
 *   suppressed                       never contacted, with the reason (set at planning, final)
 *   planned → sending → accepted     the dispatcher: claimed, then handed to the provider
 *   then, from the provider's callbacks (monotonic, never backwards):
 *   sent        SMS handed to the carrier; e-mail processed by SendGrid; call dialling/ringing
 *   deferred    e-mail only: the receiving server said "later", SendGrid keeps trying
 *   answered    voice only: the call was picked up, the message is playing
 *   delivered   SMS on the handset; e-mail accepted by the recipient's server; call completed after answer
 *   undelivered SMS: the carrier could not deliver it (reason: unreachable_handset…)
 *   bounced     e-mail: the recipient's server refused it (reason: invalid_address, blocked…)
 *   no_answer   voice: nobody picked up  } both back to planned for a redial while redials
 *   busy        voice: the line was busy } remain (the redial scheduler, not a callback)
 *   failed      the provider refused or gave up (also a dispatcher's terminal refusal), with the reason
 * A member's "press 1" on a call is not a status: it is recorded as acknowledged_at.
 */
/** What a provider callback may report: everything after the dispatcher's hand-over. */
export const TRACKED_DELIVERY_STATUSES = ['accepted', 'sent', 'deferred', 'answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed'] as const;
export type TrackedDeliveryStatus = (typeof TRACKED_DELIVERY_STATUSES)[number];

export const DELIVERY_STATUSES = ['planned', 'sending', ...TRACKED_DELIVERY_STATUSES, 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Why a member was not contacted on a channel: the answer to "why did X not get it?". */
export const SUPPRESSION_REASONS = ['no_contact_point', 'contact_not_verified', 'stopped_by_recipient', 'opted_out', 'not_opted_in', 'expired', 'cancelled'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/**
 * The people who work the system (members are not accounts):
 * - operator:   police; issues alerts for its zone;
 * - supervisor: police; approves alerts where the zone asks a second person, manages categories;
 * - board:      a BIN's board member; manages its own BIN's members, sees its statistics, may
 *               propose non-urgent messages;
 * - admin:      runs the installation; reads the audit log.
 */
export const STAFF_ROLES = ['operator', 'supervisor', 'board', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Actual vs Exercise/Test (CAP 1.2 `status`), kept strictly apart: an exercise or test alert
 * reaches the test group only (members.is_test_group) and says so on every channel.
 */
export const ALERT_KINDS = ['actual', 'exercise', 'test'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** An alert, or an update / cancel ("person found") of an earlier one (CAP 1.2 `msgType`). */
export const MESSAGE_TYPES = ['alert', 'update', 'cancel'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * Where an alert is in its lifecycle, as stored (docs/adr/0008-alert-lifecycle-and-cap.md):
 *   draft → awaiting_approval → issued (or rejected by a supervisor), or draft → issued when no
 *   second person is required.
 * Expired and cancelled are derived when shown (expires_at passed; a cancel referencing it issued).
 */
export const ALERT_STATES = ['draft', 'awaiting_approval', 'issued', 'rejected'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const SHOWN_ALERT_STATUSES = [...ALERT_STATES, 'expired', 'cancelled'] as const;
export type ShownAlertStatus = (typeof SHOWN_ALERT_STATUSES)[number];

/**
 * Which alerts need a supervisor other than the author before they go out (four eyes):
 * none; urgent ones; zone-wide ones (every BIN of the police zone); all.
 */
export const APPROVAL_POLICIES = ['none', 'urgent', 'zone_wide', 'all'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];
