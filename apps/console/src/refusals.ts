import type { ErrorCode, FieldProblemCode } from '../../../libs/domain/src/errors/domain-error';
import type { Translate, WordKey } from './i18n';

// Typed over the domain's codes: a code added there without a word here does not compile.
const ERROR_WORDS: Record<ErrorCode, WordKey> = {
  'input.invalid': 'codeInputInvalid',
  'message.unprocessable': 'codeMessageUnprocessable',
  'auth.token_missing': 'codeAuthTokenMissing',
  'auth.token_refused': 'codeAuthTokenRefused',
  'auth.role_not_allowed': 'codeAuthRoleNotAllowed',
  'auth.login_refused': 'codeAuthLoginRefused',
  'auth.too_many_attempts': 'codeAuthTooManyAttempts',
  'account.not_found': 'codeAccountNotFound',
  'account.disabled': 'codeAccountDisabled',
  'account.username_taken': 'codeAccountUsernameTaken',
  'account.last_admin': 'codeAccountLastAdmin',
  'alert.not_found': 'codeAlertNotFound',
  'alert.outside_scope': 'codeAlertOutsideScope',
  'alert.not_allowed': 'codeAlertNotAllowed',
  'alert.invalid_transition': 'codeAlertInvalidTransition',
  'alert.changed_meanwhile': 'codeAlertChangedMeanwhile',
  'alert.cap_identity_taken': 'codeAlertCapIdentityTaken',
  'bin.not_found': 'codeBinNotFound',
  'bin.outside_scope': 'codeBinOutsideScope',
  'category.not_found': 'codeCategoryNotFound',
  'member.not_found': 'codeMemberNotFound',
  'member.link_refused': 'codeMemberLinkRefused',
  'member.too_many_requests': 'codeMemberTooManyRequests',
  'contact.not_found': 'codeContactNotFound',
  'contact.code_refused': 'codeContactCodeRefused',
  'membership.not_found': 'codeMembershipNotFound',
  'membership.invalid_transition': 'codeMembershipInvalidTransition',
  'membership.decided_meanwhile': 'codeMembershipDecidedMeanwhile',
  'membership.board_resigns_through_police': 'codeMembershipBoardResignsThroughPolice',
  'notification.not_found': 'codeNotificationNotFound',
  'callback.in_flight': 'codeCallbackInFlight',
  'callback.signature_missing': 'codeCallbackSignatureRefused',
  'callback.timestamp_missing': 'codeCallbackSignatureRefused',
  'callback.signature_refused': 'codeCallbackSignatureRefused',
  'callback.timestamp_stale': 'codeCallbackSignatureRefused',
};

const FIELD_WORDS: Record<FieldProblemCode, WordKey> = {
  required: 'fieldRequired',
  wrong_type: 'fieldWrongType',
  not_one_of: 'fieldNotOneOf',
  not_expected: 'fieldNotExpected',
  bad_format: 'fieldBadFormat',
  too_small: 'fieldTooSmall',
  too_big: 'fieldTooBig',
  unknown: 'fieldUnknown',
  unsafe_text: 'fieldUnsafeText',
  unreadable: 'fieldUnreadable',
  in_the_past: 'fieldInThePast',
  wrong_code: 'fieldWrongCode',
  invalid: 'fieldInvalid',
};

const has = <T extends object>(table: T, key: string | undefined): key is Extract<keyof T, string> => key !== undefined && Object.hasOwn(table, key);

/** One wrong field as the API names it: the field's path, a code, and the server's reason in English. */
export interface ProblemSaid {
  field: string;
  code?: string;
  reason: string;
}

/**
 * What the API refused, in the operator's language, from the codes of its answer (ADR 0037): each
 * wrong field for bad input, else the refusal's own code. A code this console does not know yet
 * (a newer server) falls back to the server's own words, so nothing is ever hidden. `invalid`
 * keeps the server's reason, since the code says only that the field breaks a rule of its own.
 */
export function refusalReason(t: Translate, refusal: { code?: string; message: string; problems: readonly ProblemSaid[] }): string {
  if (refusal.problems.length > 0) return refusal.problems.map((p) => fieldReason(t, p)).join('; ');
  return has(ERROR_WORDS, refusal.code) ? t(ERROR_WORDS[refusal.code]) : refusal.message;
}

function fieldReason(t: Translate, problem: ProblemSaid): string {
  return has(FIELD_WORDS, problem.code) ? t(FIELD_WORDS[problem.code], { field: problem.field, reason: problem.reason }) : `${problem.field}: ${problem.reason}`;
}
