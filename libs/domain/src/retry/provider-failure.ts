/**
 * How a provider's refusal is treated. Terminal failures are recorded with their reason and never
 * retried (sending again cannot succeed and may annoy); retryable ones go through the retry policy.
 */
export type ProviderFailureKind = 'terminal' | 'retryable';

export interface ProviderFailureInput {
  /** HTTP status of the provider's answer; undefined for a network error or timeout. */
  httpStatus?: number;
  /** Provider error code (Twilio's numeric codes as strings), if any. */
  code?: string;
}

export interface ProviderFailureClass {
  kind: ProviderFailureKind;
  /** Stable, human-readable reason stored on the delivery row. */
  reason: string;
}

/** Twilio error codes that mean "this recipient cannot be reached this way". */
const TWILIO_TERMINAL_REASONS: Record<string, string> = {
  '21211': 'invalid_number',
  '21217': 'invalid_number',
  '21214': 'number_unreachable',
  '21216': 'call_blocked',
  '21610': 'recipient_unsubscribed',
  '21612': 'unreachable_carrier',
  '21614': 'not_a_mobile_number',
  '21635': 'landline',
  '21408': 'region_not_enabled',
  '30003': 'unreachable_handset',
  '30005': 'unknown_handset',
  '30006': 'landline_or_unreachable_carrier',
  '30007': 'carrier_filtered',
};

/** The stable reason for a Twilio error code this table knows, e.g. 30003 → unreachable_handset. */
export function knownTwilioErrorReason(code: string): string | undefined {
  return Object.hasOwn(TWILIO_TERMINAL_REASONS, code) ? TWILIO_TERMINAL_REASONS[code] : undefined;
}

export function classifyProviderFailure(input: ProviderFailureInput): ProviderFailureClass {
  const { httpStatus, code } = input;
  if (code && TWILIO_TERMINAL_REASONS[code]) return { kind: 'terminal', reason: TWILIO_TERMINAL_REASONS[code] };
  if (httpStatus === undefined) return { kind: 'retryable', reason: 'network_error' };
  if (httpStatus === 429) return { kind: 'retryable', reason: 'rate_limited' };
  if (httpStatus >= 500) return { kind: 'retryable', reason: `provider_unavailable_${httpStatus}` };
  if (httpStatus === 401 || httpStatus === 403) return { kind: 'terminal', reason: 'provider_auth_refused' };
  return { kind: 'terminal', reason: code ? `provider_refused_${code}` : `provider_refused_http_${httpStatus}` };
}
