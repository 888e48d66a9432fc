import { ApiError, type AlertDashboard, type ChannelName, type Funnel } from './api';
import type { Translate, WordKey } from './i18n';
import { refusalReason } from './refusals';
import { LANGUAGES, type ShownAlertStatus, type AlertKind, type Language, type StaffRole, type SuppressionReason } from '../../../libs/domain/src/vocabulary';

// Typed over the domain's closed sets: a status, kind, role or suppression reason added there
// without a word here does not compile.
const STATUS_WORDS: Record<ShownAlertStatus, WordKey> = {
  draft: 'statusDraft',
  awaiting_approval: 'statusAwaitingApproval',
  issued: 'statusIssued',
  rejected: 'statusRejected',
  cancelled: 'statusCancelled',
  expired: 'statusExpired',
};

const KIND_WORDS: Record<AlertKind, WordKey> = { actual: 'kindActual', test: 'kindTest', exercise: 'kindExercise' };

const ROLE_WORDS: Record<StaffRole, WordKey> = { operator: 'roleOperator', supervisor: 'roleSupervisor', board: 'roleBoard', admin: 'roleAdmin' };

const SUPPRESSION_WORDS: Record<SuppressionReason, WordKey> = {
  no_contact_point: 'reasonNoContactPoint',
  contact_not_verified: 'reasonContactNotVerified',
  stopped_by_recipient: 'reasonStoppedByRecipient',
  opted_out: 'reasonOptedOut',
  not_opted_in: 'reasonNotOptedIn',
  expired: 'reasonExpired',
  cancelled: 'reasonCancelled',
};

/** The failure reasons the dispatchers and the tracker store (libs/domain delivery-state, provider-failure). */
const FAILURE_WORDS: Record<string, WordKey> = {
  contact_removed: 'reasonContactRemoved',
  invalid_number: 'reasonInvalidNumber',
  number_unreachable: 'reasonNumberUnreachable',
  call_blocked: 'reasonCallBlocked',
  recipient_unsubscribed: 'reasonRecipientUnsubscribed',
  unreachable_carrier: 'reasonUnreachableCarrier',
  not_a_mobile_number: 'reasonNotAMobileNumber',
  landline: 'reasonLandline',
  region_not_enabled: 'reasonRegionNotEnabled',
  unreachable_handset: 'reasonUnreachableHandset',
  unknown_handset: 'reasonUnknownHandset',
  landline_or_unreachable_carrier: 'reasonLandlineOrUnreachableCarrier',
  carrier_filtered: 'reasonCarrierFiltered',
  carrier_undelivered: 'reasonCarrierUndelivered',
  provider_failed: 'reasonProviderFailed',
  provider_canceled: 'reasonProviderCanceled',
  queue_overflow: 'reasonQueueOverflow',
  account_suspended: 'reasonAccountSuspended',
  message_blocked: 'reasonMessageBlocked',
  unknown_error: 'reasonUnknownError',
  answered_by_machine: 'reasonAnsweredByMachine',
  answered_by_fax: 'reasonAnsweredByFax',
  line_busy: 'reasonLineBusy',
  no_answer: 'reasonNoAnswer',
  call_failed: 'reasonCallFailed',
  call_canceled: 'reasonCallCanceled',
  blocked: 'reasonBlocked',
  hard_bounce: 'reasonHardBounce',
  dropped: 'reasonDropped',
  network_error: 'reasonNetworkError',
  rate_limited: 'reasonRateLimited',
  provider_auth_refused: 'reasonProviderAuthRefused',
  in_doubt_not_resent: 'reasonInDoubtNotResent',
  rate_limiter_unavailable: 'reasonRateLimiterUnavailable',
};

/** Reasons that carry a provider's code or words: the sentence is translated, the code stays. */
const FAILURE_PATTERNS: Array<[RegExp, WordKey, string]> = [
  [/^provider_unavailable_(\w+)$/, 'reasonProviderUnavailable', 'code'],
  [/^provider_refused_http_(\w+)$/, 'reasonProviderUnavailable', 'code'],
  [/^provider_refused_(\w+)$/, 'reasonProviderRefused', 'code'],
  [/^twilio_error_(\w+)$/, 'reasonProviderError', 'code'],
  [/^dropped_(\w+)$/, 'reasonDroppedBecause', 'detail'],
];

const has = <T extends object>(table: T, key: string): key is Extract<keyof T, string> => Object.hasOwn(table, key);

/** The word for a status the API gave; one the console does not know yet is shown as the API spells it. */
export function statusWord(status: string): WordKey | null {
  return has(STATUS_WORDS, status) ? STATUS_WORDS[status] : null;
}

export function kindWord(kind: string): WordKey | null {
  return has(KIND_WORDS, kind) ? KIND_WORDS[kind] : null;
}

export function roleName(t: Translate, role: string): string {
  return has(ROLE_WORDS, role) ? t(ROLE_WORDS[role]) : role;
}

/**
 * Why a member was not contacted, or why a delivery failed, in the operator's language. A reason
 * the console does not know (a new provider code) is shown as stored, so it can still be looked up.
 */
export function reasonName(t: Translate, reason: string): string {
  if (has(SUPPRESSION_WORDS, reason)) return t(SUPPRESSION_WORDS[reason]);
  if (has(FAILURE_WORDS, reason)) return t(FAILURE_WORDS[reason]);
  for (const [pattern, key, param] of FAILURE_PATTERNS) {
    const match = pattern.exec(reason);
    if (match) return t(key, { [param]: match[1] });
  }
  return reason;
}

/**
 * The categories the reference data seeds, named as the member pages name them (words.spec.ts
 * checks that they agree); a category added since keeps the name the API gives.
 */
const CATEGORY_WORDS: Record<string, WordKey> = {
  missing_person: 'categoryMissingPerson',
  burglary: 'categoryBurglary',
  prevention: 'categoryPrevention',
  general: 'categoryGeneral',
  covid: 'categoryCovid',
};

export function categoryName(t: Translate, code: string, apiName?: string): string {
  return has(CATEGORY_WORDS, code) ? t(CATEGORY_WORDS[code]) : (apiName ?? code);
}

/** Kafka's consumer group states, lower-cased (the in-process bus uses the same names). */
const GROUP_STATE_WORDS: Record<string, WordKey> = {
  stable: 'groupStateStable',
  empty: 'groupStateEmpty',
  preparingrebalance: 'groupStateRebalancing',
  completingrebalance: 'groupStateRebalancing',
  dead: 'groupStateDead',
};

export function groupStateName(t: Translate, state: string): string {
  const key = state.toLowerCase();
  return has(GROUP_STATE_WORDS, key) ? t(GROUP_STATE_WORDS[key]) : state;
}

/** What an HTTP refusal means, in a word the operator understands, before the server's own (English) detail. */
function refusalMeaning(t: Translate, status: number): string {
  if (status === 400 || status === 422) return t('refusedBadRequest');
  if (status === 401 || status === 403) return t('refusedForbidden');
  if (status === 404) return t('refusedNotFound');
  if (status === 409) return t('refusedConflict');
  if (status === 429) return t('refusedTooMany');
  if (status >= 500) return t('refusedUnavailable');
  return t('refusedOther');
}

/**
 * A failed call as the operator reads it: what the refusal means in their language, then its
 * reason, in their language too when the console knows the API's code for it, else as the API
 * said it (in English).
 */
function failureText(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    return t('refused', { status: error.status, meaning: refusalMeaning(t, error.status), message: refusalReason(t, error) });
  }
  return t('error', { message: error instanceof Error ? error.message : String(error) });
}

/**
 * Something to tell the operator, kept as the words to say rather than as text, so that a message
 * on screen follows a change of language like everything else.
 */
export type Said = { key: WordKey; params?: Record<string, string | number> } | { failure: unknown };

export function say(t: Translate, said: Said): string {
  return 'key' in said ? t(said.key, said.params) : failureText(t, said.failure);
}

/** Only an issued alert (not a cancel, not yet cancelled or expired) can be followed up (ADR 0008). */
export function canFollowUp(alert: { status: string; messageType: string }): boolean {
  return alert.status === 'issued' && alert.messageType !== 'cancel';
}

/**
 * Per channel, the members a follow-up will reach: those whose delivery of the original got to the
 * provider (queued or beyond, whatever happened after), as the expander takes them (ADR 0008).
 */
export function followUpReach(channels: Partial<Record<ChannelName, { funnel: Funnel }>>): Record<ChannelName, number> {
  return { sms: channels.sms?.funnel.queued ?? 0, email: channels.email?.funnel.queued ?? 0, voice: channels.voice?.funnel.queued ?? 0 };
}

/** The language of the text to show: the operator's where the alert has one, else Dutch, else the first in the form's order. */
export function shownTextLanguage(texts: AlertDashboard['alert']['texts'], language: Language): Language | undefined {
  return [language, 'nl' as const, ...LANGUAGES].find((l) => texts[l]);
}

export type AlertTexts = Record<string, { title: string; body: string; instruction?: string; contact?: string }>;

/** The original's texts, in the four languages the form offers, empty where it had none. */
export function prefilledTexts(original: AlertTexts, languages: readonly string[]): AlertTexts {
  return Object.fromEntries(languages.map((l) => [l, { title: original[l]?.title ?? '', body: original[l]?.body ?? '' }]));
}

/** The languages with both a title and a body, trimmed, with the instruction and contact line when given: what the API accepts. */
export function filledTexts(texts: AlertTexts): AlertTexts {
  return Object.fromEntries(
    Object.entries(texts)
      .filter(([, t]) => t.title.trim() && t.body.trim())
      .map(([l, t]) => [
        l,
        {
          title: t.title.trim(),
          body: t.body.trim(),
          ...(t.instruction?.trim() ? { instruction: t.instruction.trim() } : {}),
          ...(t.contact?.trim() ? { contact: t.contact.trim() } : {}),
        },
      ]),
  );
}
