import { classifyProviderFailure, ProviderFailureInput, ProviderFailureKind } from '@bin-alert/domain';

export type ProviderName = 'twilio' | 'sendgrid';

/** What an adapter could read from a failed SDK call, stripped of anything personal. */
export interface ProviderFailure extends ProviderFailureInput {
  /** Why no HTTP answer came (ECONNREFUSED, ECONNABORTED…); only for network failures. */
  transportCode?: string;
  /** Non-personal pointer into the refusal, e.g. the SendGrid fields named by a 400. */
  detail?: string;
}

/**
 * A provider refused or could not be reached. Terminal failures are recorded and never retried;
 * retryable ones go through the retry policy. The provider's own message is deliberately left
 * out (and the SDK error is not kept as `cause`): Twilio and SendGrid quote the phone number or
 * address in it, and this error ends up in logs.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: ProviderName;
  readonly kind: ProviderFailureKind;
  readonly reason: string;
  readonly code?: string;
  readonly httpStatus?: number;
  readonly detail?: string;
  readonly transportCode?: string;

  constructor(provider: ProviderName, failure: ProviderFailure) {
    const { kind, reason } = classifyProviderFailure(failure);
    super(describe(provider, reason, failure));
    this.provider = provider;
    this.kind = kind;
    this.reason = reason;
    this.code = failure.code;
    this.httpStatus = failure.httpStatus;
    this.detail = failure.detail;
    this.transportCode = failure.transportCode;
  }

  /**
   * The request got no HTTP answer and may have reached the provider all the same (a timeout, a
   * connection reset after it was written): sending it again could send the message twice. Only
   * a connection never made (refused, no such host) is known not to have reached it.
   */
  get mayHaveReachedProvider(): boolean {
    return this.httpStatus === undefined && !NEVER_CONNECTED.has(this.transportCode ?? '');
  }
}

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether the provider may have accepted what a failed call asked for, for a sender about to try
 * another route (ADR 0033): a call it never answered (mayHaveReachedProvider), and also a 5xx,
 * which may come after the message was created. A 4xx (429 included) is a refusal.
 */
export function mayHaveBeenAccepted(error: ProviderError): boolean {
  return error.httpStatus === undefined ? error.mayHaveReachedProvider : error.httpStatus >= 500;
}

function describe(provider: ProviderName, reason: string, failure: ProviderFailure): string {
  const facts = [
    failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : 'no HTTP answer',
    failure.code !== undefined ? `code ${failure.code}` : undefined,
    failure.transportCode,
    failure.detail,
  ].filter((fact): fact is string => fact !== undefined);
  return `${provider}: ${reason} (${facts.join(', ')})`;
}
