import { CategoryRule, Channel, Language, SuppressionReason } from '../vocabulary';
import type { QuietHours } from './quiet-hours';

/** What the audience query knows about one member for one channel of one alert. */
export interface AudienceCandidate {
  memberId: string;
  language: Language;
  channel: Channel;
  /** The member's contact point for this channel, if they registered one. */
  contact: { id: string; verified: boolean; optedOut?: boolean } | null;
  /** The member's explicit choice for (category, channel); null when they never chose. */
  preference: boolean | null;
  /** The member's quiet hours, if they set any. */
  quietHours?: QuietHours | null;
}

export type RecipientDecision =
  | {
      send: true;
      memberId: string;
      channel: Channel;
      contactId: string;
      language: Language;
      /** Held until then for the member's quiet hours (see quiet-hours.ts); absent: send now. */
      deferredUntil?: Date;
    }
  | { send: false; memberId: string; channel: Channel; reason: SuppressionReason };

/**
 * The preference rule, total and explicit:
 *   no contact point           → suppressed (no_contact_point)
 *   contact not verified       → suppressed (contact_not_verified)
 *   contact replied STOP       → suppressed (stopped_by_recipient), even when mandatory: the
 *                                provider refuses every message to it until START
 *   mandatory                  → sent, whatever the member chose
 *   opt_out, chose "off"       → suppressed (opted_out)
 *   opt_out, otherwise         → sent
 *   opt_in, chose "on"         → sent
 *   opt_in, otherwise          → suppressed (not_opted_in)
 * Contact checks come first so that the recorded reason is the one a person can act on.
 */
export function decideRecipient(candidate: AudienceCandidate, rule: CategoryRule): RecipientDecision {
  const { memberId, channel } = candidate;
  const suppress = (reason: SuppressionReason): RecipientDecision => ({ send: false, memberId, channel, reason });

  if (!candidate.contact) return suppress('no_contact_point');
  if (!candidate.contact.verified) return suppress('contact_not_verified');
  if (candidate.contact.optedOut) return suppress('stopped_by_recipient');

  const send: RecipientDecision = {
    send: true,
    memberId,
    channel,
    contactId: candidate.contact.id,
    language: candidate.language,
  };
  switch (rule) {
    case 'mandatory':
      return send;
    case 'opt_out':
      return candidate.preference === false ? suppress('opted_out') : send;
    case 'opt_in':
      return candidate.preference === true ? send : suppress('not_opted_in');
  }
}

/**
 * An update or cancel goes to exactly the members the original reached, on the channels it
 * reached them on, whatever their preferences, memberships or the category rule say now
 * (ADR 0008). Two things still stop it: the contact point is gone (erased on resignation), and
 * the member replied STOP to our SMS number since: STOP is the member's legal word, and the
 * provider refuses every message to the number until START anyway.
 */
export function decideFollowUpRecipient(candidate: AudienceCandidate): RecipientDecision {
  const { memberId, channel } = candidate;
  if (!candidate.contact) return { send: false, memberId, channel, reason: 'no_contact_point' };
  if (candidate.contact.optedOut) return { send: false, memberId, channel, reason: 'stopped_by_recipient' };
  return { send: true, memberId, channel, contactId: candidate.contact.id, language: candidate.language };
}
