import { z } from 'zod';
import { CATEGORY_RULES, CHANNELS, LANGUAGES, MEMBERSHIP_ROLES, MEMBERSHIP_STATUSES, QUIET_HOURS_BEHAVIOURS, URGENCIES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';
import {
  categoryRuleRequest,
  interiorNotificationsQuery,
  memberLinkQuery,
  memberListQuery,
  membershipApplicationRequest,
  membershipDecisionRequest,
  codeConfirmationRequest,
  phoneForCallsRequest,
  preferenceChangeRequest,
  preferencesLinkRequest,
} from '@bin-alert/membership';

const memberId = { memberId: z.string().uuid() };
const binId = { binId: z.string().describe('the BIN’s id, e.g. herdersem') };
const tooMany = {
  description: 'Too many requests from this client address (an IPv6 /64 counts as one) this hour, or from all addresses together (APPLICATIONS_PER_HOUR).',
  headers: { 'Retry-After': 'seconds to wait' },
};
const linkRefused = { description: 'The link is missing, forged, expired or meant for something else (`link refused: …`).' };
const audited = 'Audited (actor: none, the member by link).';

const quietHours = z.object({ start: z.string(), end: z.string() }).describe('HH:MM, Europe/Brussels');
const preferenceCentre = z.object({
  memberId: z.string().uuid(),
  language: z.enum(LANGUAGES),
  quietHours: quietHours.nullable(),
  contacts: z.array(z.object({ channel: z.enum(CHANNELS), verified: z.boolean() })).describe('the channels the member can be reached on; never the number or address'),
  categories: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      rule: z.enum(CATEGORY_RULES),
      defaultUrgency: z.enum(URGENCIES),
      quietHours: z.enum(QUIET_HOURS_BEHAVIOURS),
      channels: z
        .record(z.object({ receives: z.boolean(), chosen: z.boolean().nullable() }))
        .describe('per channel: does the category reach the member there, and what they chose (null: nothing yet)'),
    }),
  ),
  links: z.object({ resign: z.string().describe('signed link to end the membership') }),
});
const resignation = z.object({
  resigned: z.array(z.string()).describe('the BINs left'),
  erased: z.boolean().describe('true once the member belongs to no BIN: contacts and preferences deleted, name pseudonymised'),
  interiorNotifications: z.number().int().describe('notifications to FOD Binnenlandse Zaken recorded (board members)'),
});
const interiorNotification = z.object({
  id: z.string().uuid(),
  binId: z.string(),
  event: z.literal('board_member_resigned'),
  displayName: z.string().describe('the name as it was, until the notification is marked sent (then the pseudonym of an erased member)'),
  occurredAt: z.string().datetime(),
  recordedBy: z.string(),
  sentAt: z.string().datetime().nullable(),
  sentBy: z.string().nullable(),
});

export const MEMBER_DOCS = {
  apply: {
    summary: 'Apply for membership of one or more BINs (the public form)',
    description:
      'Stores the applicant with status `applied`, sends a confirmation link to the e-mail address a six-digit code by SMS to the mobile number, and calls the phone number for calls (landline or mobile) to say a six-digit code. At least one of the three is required. A board member of each BIN approves once every contact given is confirmed. Contacts are normalised (E.164, lower-case domain); error reasons never repeat them. Audited without an actor.',
    tags: ['membership'],
    body: membershipApplicationRequest,
    responses: {
      201: {
        description: 'Application stored; `next` lists what is still to be done.',
        schema: z.object({ memberId: z.string().uuid(), status: z.literal('applied'), next: z.array(z.string()) }),
      },
      429: tooMany,
    },
  },
  confirmEmailByLink: {
    summary: 'Confirm the applicant’s e-mail address (the link in the confirmation e-mail)',
    description: `GET so that a click is enough; it changes nothing but the confirmation. A second click answers the same. ${audited}`,
    tags: ['membership'],
    query: memberLinkQuery,
    responses: {
      200: { description: 'Confirmed.', schema: z.object({ confirmed: z.literal('email') }) },
      403: linkRefused,
      404: { description: 'The address is no longer on file (e.g. the member resigned).' },
    },
  },
  confirmEmail: {
    summary: 'Confirm the applicant’s e-mail address (same as the GET, for clients that POST)',
    description: audited,
    tags: ['membership'],
    query: memberLinkQuery,
    responses: {
      200: { description: 'Confirmed.', schema: z.object({ confirmed: z.literal('email') }) },
      403: linkRefused,
      404: { description: 'The address is no longer on file.' },
    },
  },
  confirmMobile: {
    summary: 'Confirm the applicant’s mobile number with the six-digit SMS code',
    description: `Each try counts; after too many, or once the code expired, ask for a new one. ${audited}`,
    tags: ['membership'],
    params: memberId,
    body: codeConfirmationRequest,
    responses: {
      200: { description: 'Confirmed.', schema: z.object({ confirmed: z.literal('mobile') }) },
      400: { description: 'Not six digits, or the wrong code (`errors[0].field` is `code`).' },
      404: { description: 'No code is waiting for this applicant.' },
      409: { description: 'The code expired, or too many attempts: ask for a new code.' },
    },
  },
  confirmPhone: {
    summary: 'Confirm the applicant’s phone number for calls with the six-digit code the call said',
    description: `The same rules as the SMS code: each try counts; after too many, or once the code expired, ask for a new call. ${audited}`,
    tags: ['membership'],
    params: memberId,
    body: codeConfirmationRequest,
    responses: {
      200: { description: 'Confirmed.', schema: z.object({ confirmed: z.literal('phone') }) },
      400: { description: 'Not six digits, or the wrong code (`errors[0].field` is `code`).' },
      404: { description: 'No code is waiting for this applicant’s phone.' },
      409: { description: 'The code expired, or too many attempts: ask for a new call.' },
    },
  },
  recallCode: {
    summary: 'Call the applicant’s unconfirmed phone number again with a new code',
    description: 'The previous code stops counting.',
    tags: ['membership'],
    params: memberId,
    responses: {
      202: { description: 'A call with a new code is on its way.', schema: z.object({ sent: z.literal(true) }) },
      404: { description: 'No unconfirmed phone number for this applicant.' },
      429: tooMany,
    },
  },
  givePhone: {
    summary: 'Give a phone number for calls (landline or mobile) in place of the member’s previous one',
    description: `Normalised to E.164 (Belgium when no country code is given). The number is unconfirmed until the member enters the six-digit code that a call to it says (\`POST /v1/preferences/phone-confirmation\`); until then no alert calls it. ${audited}, naming no number.`,
    tags: ['preferences'],
    query: memberLinkQuery,
    body: phoneForCallsRequest,
    responses: {
      202: { description: 'Stored; a call with the code is on its way.', schema: z.object({ calling: z.literal(true) }) },
      400: { description: 'Not a phone number (`errors[0].field` is `phone`).' },
      403: linkRefused,
      404: { description: 'No such member any more (resigned and erased).' },
      429: tooMany,
    },
  },
  confirmPhoneByLink: {
    summary: 'Confirm the member’s phone for calls with the six-digit code the call said',
    description: `Each try counts; after too many, or once the code expired, ask for a new call. ${audited}`,
    tags: ['preferences'],
    query: memberLinkQuery,
    body: codeConfirmationRequest,
    responses: {
      200: { description: 'Confirmed: alerts now call this number, per the member’s choices.', schema: z.object({ confirmed: z.literal('phone') }) },
      400: { description: 'Not six digits, or the wrong code (`errors[0].field` is `code`).' },
      403: linkRefused,
      404: { description: 'No code is waiting for this member’s phone.' },
      409: { description: 'The code expired, or too many attempts: ask for a new call.' },
    },
  },
  recallCodeByLink: {
    summary: 'Call the member’s unconfirmed phone for calls again with a new code',
    description: 'The previous code stops counting.',
    tags: ['preferences'],
    query: memberLinkQuery,
    responses: {
      202: { description: 'A call with a new code is on its way.', schema: z.object({ sent: z.literal(true) }) },
      403: linkRefused,
      404: { description: 'No unconfirmed phone number for this member.' },
      429: tooMany,
    },
  },
  resendCode: {
    summary: 'Send a new SMS code to the applicant’s unconfirmed mobile number',
    description: 'The previous code stops counting.',
    tags: ['membership'],
    params: memberId,
    responses: {
      202: { description: 'A new code is on its way.', schema: z.object({ sent: z.literal(true) }) },
      404: { description: 'No unconfirmed mobile number for this applicant.' },
      429: tooMany,
    },
  },
  sendPreferencesLink: {
    summary: 'E-mail a preference-centre link to a member’s confirmed address',
    description: 'Answers the same whether or not the address belongs to a member, so that nobody learns who is one.',
    tags: ['preferences'],
    body: preferencesLinkRequest,
    responses: { 202: { description: 'If the address belongs to a member, a link is on its way.', schema: z.object({ sent: z.string() }) }, 429: tooMany },
  },
  showPreferences: {
    summary: 'The member’s preference centre: language, quiet hours, and per category which channels reach them',
    tags: ['preferences'],
    query: memberLinkQuery,
    responses: {
      200: { description: 'The preference centre.', schema: preferenceCentre },
      403: linkRefused,
      404: { description: 'No such member any more (resigned and erased).' },
    },
  },
  changePreferences: {
    summary: 'Change language, quiet hours and channel choices per category, all or nothing',
    description: `A mandatory category cannot be switched off. ${audited}`,
    tags: ['preferences'],
    query: memberLinkQuery,
    body: preferenceChangeRequest,
    responses: {
      200: { description: 'Changed; the preference centre as it is now.', schema: preferenceCentre },
      400: { description: 'Bad input, an unknown category, or a mandatory category switched off; nothing was changed.' },
      403: linkRefused,
      404: { description: 'No such member any more.' },
    },
  },
  subscribe: {
    summary: 'Opt in to a category on every confirmed channel (the link in a campaign invitation)',
    description: audited,
    tags: ['preferences'],
    query: memberLinkQuery,
    responses: {
      200: {
        description: 'Subscribed.',
        schema: z.object({ category: z.string(), channels: z.array(z.enum(CHANNELS)), preferences: z.string().describe('signed link to the preference centre') }),
      },
      403: linkRefused,
      404: { description: 'No such member or category any more.' },
    },
  },
  unsubscribe: {
    summary: 'One-click unsubscribe (RFC 8058): the link’s category off on e-mail',
    description: `The mail client POSTs \`List-Unsubscribe=One-Click\`; the token says who and which category. A category that became mandatory meanwhile is left as it is. ${audited}`,
    tags: ['preferences'],
    query: memberLinkQuery,
    responses: {
      200: { description: 'Unsubscribed from that category on e-mail.', schema: z.object({ category: z.string(), channel: z.literal('email') }) },
      403: linkRefused,
      404: { description: 'No such member or category any more.' },
    },
  },
  resignSelf: {
    summary: 'End the membership of every BIN by the member’s signed link, erasing their contact data',
    description: `Contacts and preferences are deleted and the name pseudonymised; delivery history stays for the counts, by member id only. A board member resigns through the police instead. ${audited}`,
    tags: ['membership'],
    query: memberLinkQuery,
    responses: {
      200: { description: 'Resigned (and erased).', schema: resignation },
      403: { description: 'The link is refused, or the member is on a board: board members resign through the police of the zone.' },
      404: { description: 'No membership left to end.' },
    },
  },
  listMembers: {
    summary: 'The members of a BIN, optionally by status (board members: applications to decide)',
    description: 'Names and whether each contact is confirmed; never the numbers or addresses. Board members see their own BINs, the police their zone.',
    tags: ['membership'],
    params: binId,
    query: memberListQuery,
    responses: {
      200: {
        description: 'The members.',
        schema: z.object({
          members: z.array(
            z.object({
              memberId: z.string().uuid(),
              displayName: z.string(),
              binId: z.string(),
              role: z.enum(MEMBERSHIP_ROLES),
              status: z.enum(MEMBERSHIP_STATUSES),
              appliedAt: z.string().datetime(),
              approvedAt: z.string().datetime().nullable(),
              contacts: z.array(z.object({ kind: z.enum(['mobile', 'phone', 'email']), verified: z.boolean() })),
            }),
          ),
        }),
      },
      404: { description: 'No such BIN.' },
    },
  },
  decide: {
    summary: 'Approve or refuse an application: a board member of the BIN',
    description: 'Approval needs every contact the applicant gave to be confirmed. Audited with the board member as actor.',
    tags: ['membership'],
    params: { ...binId, ...memberId },
    body: membershipDecisionRequest,
    responses: {
      200: { description: 'Decided.', schema: z.object({ memberId: z.string().uuid(), binId: z.string(), status: z.enum(['active', 'refused']) }) },
      404: { description: 'No such BIN, or the member did not apply to it.' },
      409: { description: 'Not (or no longer) an open application, or a contact is not confirmed yet.' },
    },
  },
  resignByStaff: {
    summary: 'End a member’s membership of the BIN: its board for members, the police of the zone for board members',
    description:
      'Erases the member once they belong to no BIN. A board member’s resignation records the notification the police send on to FOD Binnenlandse Zaken. Audited with the caller as actor, with the notification and the erasure it caused.',
    tags: ['membership'],
    params: { ...binId, ...memberId },
    responses: {
      200: { description: 'Resigned.', schema: resignation },
      403: { description: 'Outside the caller’s BINs or zone, or a board member resigned by a board member (only the police may).' },
      404: { description: 'No such BIN, or the member is not in it.' },
      409: { description: 'The membership already ended (resigned or refused).' },
    },
  },
  switchRule: {
    summary: 'Switch a category between mandatory, opt-out and opt-in (the boards’ vote)',
    description:
      'Switching to opt-in starts an invitation campaign in the same transaction: one e-mail per member with a confirmed address who has not chosen the category yet. Audited: the switch, and the campaign with its number of invitations.',
    tags: ['categories'],
    params: { code: z.string().describe('the category code, e.g. covid') },
    body: categoryRuleRequest,
    responses: {
      200: {
        description: 'Switched.',
        schema: z.object({
          category: z.string(),
          from: z.enum(CATEGORY_RULES),
          rule: z.enum(CATEGORY_RULES),
          campaign: z.object({ id: z.string().uuid(), recipients: z.number().int() }).nullable(),
        }),
      },
      404: { description: 'No such category.' },
    },
  },
  interiorNotifications: {
    summary: 'Notifications to FOD Binnenlandse Zaken (board members who resigned), of the caller’s zone',
    tags: ['membership'],
    query: interiorNotificationsQuery,
    responses: { 200: { description: 'Oldest first; `unsent=true` for those still to send.', schema: z.object({ notifications: z.array(interiorNotification) }) } },
  },
  markInteriorNotificationSent: {
    summary: 'Record that the police sent a notification on to FOD Binnenlandse Zaken',
    description: 'Audited with the caller as actor.',
    tags: ['membership'],
    params: { id: z.string().uuid() },
    responses: {
      200: { description: 'Marked sent.', schema: z.object({ id: z.string().uuid(), sent: z.literal(true) }) },
      404: { description: 'No unsent notification with this id in the caller’s zone.' },
    },
  },
} satisfies Record<string, OperationDoc>;
