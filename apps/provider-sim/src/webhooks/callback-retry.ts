import { boundedMemo } from '../bounded-memo';
import { WebhookAttempt } from './outbound-webhook';

/**
 * Why an attempt failed, in the classes of Twilio's retry policy (`rp`): the connection could
 * not be made (`ct`), no answer came in time (`rt`), or the answer was a 4xx or 5xx.
 */
export type FailureClass = 'ct' | 'rt' | '4xx' | '5xx';

/** How a provider retries one webhook POST. */
export interface RetryPolicy {
  /**
   * The wait before the next attempt, given how the last one failed, the retries made so far and
   * the time since the first attempt began; null when the provider gives up.
   */
  nextDelayMs(failure: FailureClass, retriesSoFar: number, elapsedMs: number): number | null;
  /** How long one attempt waits for an answer. */
  attemptTimeoutMs: number;
}

/** The class of an attempt's failure; null when it was answered 2xx. */
export function failureClassOf(attempt: WebhookAttempt): FailureClass | null {
  const status = attempt.reply?.status;
  if (status === undefined) return attempt.error === 'timeout' ? 'rt' : 'ct';
  if (status >= 200 && status < 300) return null;
  return status >= 500 ? '5xx' : '4xx';
}

/**
 * Twilio's connection overrides, read from the fragment of a webhook URL
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides): `rc` retries
 * (0–5, default 1), `rp` the failures retried (`4xx`, `5xx`, `ct`, `rt` or `all`, comma-separated;
 * default `ct`), `ct` connect and `rt` read timeouts in ms (default 5000 and 15000), and `tt` the
 * total time of all attempts in ms (at most and by default 15000).
 */
export interface TwilioConnectionOverrides {
  rc: number;
  rp: ReadonlySet<FailureClass>;
  ct: number;
  rt: number;
  tt: number;
}

const ALL_FAILURES: FailureClass[] = ['ct', 'rt', '4xx', '5xx'];
export const TWILIO_DEFAULT_OVERRIDES: TwilioConnectionOverrides = { rc: 1, rp: new Set<FailureClass>(['ct']), ct: 5_000, rt: 15_000, tt: 15_000 };

/**
 * The URL Twilio requests (the fragment is never sent, nor signed: the receiver cannot see it)
 * and the overrides its fragment asks for. A value out of Twilio's range is clamped to it, an
 * unknown key or value is ignored and the default kept.
 */
export function splitTwilioWebhookUrl(url: string): { url: string; overrides: TwilioConnectionOverrides } {
  const hash = url.indexOf('#');
  if (hash < 0) return { url, overrides: TWILIO_DEFAULT_OVERRIDES };
  const params = new URLSearchParams(url.slice(hash + 1));
  const number = (key: string, min: number, max: number, fallback: number): number => {
    const value = Number(params.get(key) ?? NaN);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
  };
  const policy = (params.get('rp') ?? '').split(',').map((p) => p.trim().toLowerCase());
  const rp = new Set<FailureClass>(policy.includes('all') ? ALL_FAILURES : ALL_FAILURES.filter((f) => policy.includes(f)));
  const defaults = TWILIO_DEFAULT_OVERRIDES;
  return {
    url: url.slice(0, hash),
    overrides: {
      rc: number('rc', 0, 5, defaults.rc),
      rp: rp.size > 0 ? rp : defaults.rp,
      ct: number('ct', 100, 10_000, defaults.ct),
      rt: number('rt', 100, 15_000, defaults.rt),
      tt: number('tt', 100, 15_000, defaults.tt),
    },
  };
}

/** Retry policies by URL fragment: every callback of a run names the same few, parsed once each. */
const policyOfFragment = boundedMemo((fragment: string) => twilioRetryPolicy(splitTwilioWebhookUrl(`#${fragment}`).overrides));

/** The URL Twilio requests and how it retries it (splitTwilioWebhookUrl and twilioRetryPolicy, the policy kept per fragment). */
export function twilioWebhookTarget(webhookUrl: string): { url: string; retry: RetryPolicy } {
  const hash = webhookUrl.indexOf('#');
  if (hash < 0) return { url: webhookUrl, retry: policyOfFragment('') };
  return { url: webhookUrl.slice(0, hash), retry: policyOfFragment(webhookUrl.slice(hash + 1)) };
}

/**
 * Twilio retries only what the overrides ask: up to `rc` times, for the failures in `rp`, all
 * attempts within `tt`. Twilio does not say how it spaces the retries; the simulator spreads them
 * evenly over `tt`, which is the longest outage of the receiver they can bridge (15 s at most).
 */
export function twilioRetryPolicy(overrides: TwilioConnectionOverrides): RetryPolicy {
  const spacing = Math.floor(overrides.tt / (overrides.rc + 1));
  return {
    attemptTimeoutMs: Math.min(overrides.rt, overrides.tt),
    nextDelayMs: (failure, retriesSoFar, elapsedMs) => {
      if (retriesSoFar >= overrides.rc || !overrides.rp.has(failure)) return null;
      // Retry k is due k spacings after the first attempt began, however long the attempts took.
      const delay = Math.max(0, (retriesSoFar + 1) * spacing - elapsedMs);
      return elapsedMs + delay < overrides.tt ? delay : null;
    },
  };
}

/** SendGrid's Event Webhook retries, as the simulator is configured (SimConfig.callbackRetry). */
export interface SendGridRetrySettings {
  firstDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
}

/**
 * SendGrid retries an Event Webhook POST answered anything but 2xx (or not answered) "at
 * increasing intervals for up to 24 hours after the event occurs"
 * (https://docs.sendgrid.com/for-developers/tracking-events/troubleshooting); the intervals are
 * not documented: here `firstDelayMs`, doubled each time up to `maxDelayMs`. `timeScale` divides
 * every delay and the window, so that tests and the chaos suite see a day in seconds.
 */
export function sendGridRetryPolicy(settings: SendGridRetrySettings, timeScale: number, attemptTimeoutMs: number): RetryPolicy {
  const window = settings.windowMs / timeScale;
  return {
    attemptTimeoutMs,
    nextDelayMs: (_failure, retriesSoFar, elapsedMs) => {
      const delay = Math.min(settings.maxDelayMs, settings.firstDelayMs * 2 ** retriesSoFar) / timeScale;
      return elapsedMs + delay <= window ? delay : null;
    },
  };
}
