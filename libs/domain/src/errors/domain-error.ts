/**
 * What kind of refusal an error is, in words every edge understands: the HTTP filter turns a kind
 * into a status, the consumer loop into a retry or a dead letter. Each edge maps kinds once
 * (ADR 0037); nothing below the edges knows a status code.
 */
export type RefusalKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'too_many' | 'unavailable';

/**
 * Every error code, with its kind. A code is stable (clients, logs and tests may rely on it) and
 * names the subject and what went wrong; the message says it to a person.
 */
export const ERROR_CODES = {
  /** Input that breaks a rule; carries the fields and the reasons. */
  'input.invalid': 'invalid',
  /** A message from the bus that no handler can read or act on (unknown alert, bad payload). */
  'message.unprocessable': 'invalid',
  /** A request without a bearer token where one is needed. */
  'auth.token_missing': 'unauthenticated',
  /** A bearer token that is not valid (signature, expiry, issuer), or whose account may no longer act. */
  'auth.token_refused': 'unauthenticated',
  /** The principal's role may not use this route. */
  'auth.role_not_allowed': 'forbidden',
  'auth.login_refused': 'unauthenticated',
  'auth.too_many_attempts': 'too_many',
  'account.not_found': 'not_found',
  'account.disabled': 'forbidden',
  'account.username_taken': 'conflict',
  'account.last_admin': 'conflict',
  'alert.not_found': 'not_found',
  'alert.outside_scope': 'forbidden',
  /** The principal may not take this lifecycle step (a board member issuing, an author approving). */
  'alert.not_allowed': 'forbidden',
  /** The alert is not in a state this step starts from. */
  'alert.invalid_transition': 'conflict',
  /** Another request moved the alert on between reading and writing it. */
  'alert.changed_meanwhile': 'conflict',
  'alert.cap_identity_taken': 'conflict',
  'bin.not_found': 'not_found',
  'bin.outside_scope': 'forbidden',
  'category.not_found': 'not_found',
  'member.not_found': 'not_found',
  'member.link_refused': 'forbidden',
  'member.too_many_requests': 'too_many',
  /** No contact (address, number, code) waiting for what the member asked. */
  'contact.not_found': 'not_found',
  /** A confirmation code that can confirm nothing any more (expired, too many attempts). */
  'contact.code_refused': 'conflict',
  'membership.not_found': 'not_found',
  'membership.invalid_transition': 'conflict',
  'membership.decided_meanwhile': 'conflict',
  /** A board member resigns through the police of the zone, not through the board. */
  'membership.board_resigns_through_police': 'forbidden',
  'notification.not_found': 'not_found',
  /** A provider callback another request is publishing right now: to be sent again later. */
  'callback.in_flight': 'unavailable',
  /** A provider callback without its signature header. */
  'callback.signature_missing': 'invalid',
  /** A SendGrid event batch without its timestamp header. */
  'callback.timestamp_missing': 'invalid',
  /** A provider callback whose signature does not verify with the account's key or token. */
  'callback.signature_refused': 'forbidden',
  /** A SendGrid event batch signed too long ago or in the future: a replay, or a clock far off. */
  'callback.timestamp_stale': 'forbidden',
} as const satisfies Record<string, RefusalKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * What is wrong with one field, as a stable word a client can translate (the `reason` says it in
 * English, with the details). `invalid` when nothing more precise applies.
 */
export const FIELD_PROBLEM_CODES = [
  /** Missing. */
  'required',
  /** Of the wrong type (a string where a number belongs). */
  'wrong_type',
  /** Not one of the values the field takes. */
  'not_one_of',
  /** A field the request does not have. */
  'not_expected',
  /** Not in the form the field needs (an e-mail address, a date, HH:MM). */
  'bad_format',
  /** Too short, too few, or too small. */
  'too_small',
  /** Too long, too many, or too large; for `body`, more than the endpoint reads (413). */
  'too_big',
  /** Names something this system does not know (a BIN, a category, a police zone, an alert). */
  'unknown',
  /** A character no field accepts (NUL, half a surrogate pair), or a nesting too deep. */
  'unsafe_text',
  /** A body that cannot be read: malformed JSON or form, an encoding not read here (415). */
  'unreadable',
  /** A time that is already past (an expiry). */
  'in_the_past',
  /** A confirmation code that is not the one sent. */
  'wrong_code',
  /** Breaks a rule of its own, which `reason` names. */
  'invalid',
] as const;

export type FieldProblemCode = (typeof FIELD_PROBLEM_CODES)[number];

/**
 * One wrong field of a request: its path (`bins[1]`, `texts.nl.body`; `body` for the whole), what
 * is wrong as a code (answered `invalid` when not given), and why in words.
 */
export interface FieldProblem {
  field: string;
  code?: FieldProblemCode;
  reason: string;
}

export interface DomainErrorDetails {
  /** For `invalid`: every field that is wrong and why. */
  problems?: FieldProblem[];
  /** For `too_many`: when to ask again. */
  retryAfterSeconds?: number;
}

/** A refusal with a stable code; thrown by the libs, answered by the edges. */
export class DomainError extends Error {
  readonly kind: RefusalKind;
  readonly problems?: FieldProblem[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.kind = ERROR_CODES[code];
    this.problems = details.problems;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Whether an error is a domain refusal with this code (or, with none given, any code). */
export function isDomainError(error: unknown, code?: ErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}

/** Whether an error is a domain refusal of this kind, whatever its code. */
export function isRefusalOf(error: unknown, kind: RefusalKind): error is DomainError {
  return error instanceof DomainError && error.kind === kind;
}
