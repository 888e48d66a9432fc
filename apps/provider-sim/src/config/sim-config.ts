/** The simulated APIs that latency, rate limits and 429 storms apply to. */
export const SIM_APIS = ['twilioMessages', 'twilioCalls', 'sendgridMail'] as const;
export type SimApi = (typeof SIM_APIS)[number];

export interface MsRange {
  min: number;
  max: number;
}

export interface SmsFaults {
  /** Twilio error code → probability that a valid create is refused with it, synchronously. */
  errorRates: Record<string, number>;
  /** Accepted, then `undelivered` with ErrorCode 30003, 30005 or 30006. */
  undeliveredRate: number;
  /** Accepted, then `failed` with ErrorCode 30001 and no `sent`. */
  failedRate: number;
  /** The later callback of a message is posted before the earlier one. */
  outOfOrderRate: number;
}

/**
 * Everything the simulator can be told to do differently from "every provider call succeeds".
 * Rates are probabilities in [0, 1] drawn from the seeded PRNG; magic numbers and addresses
 * (see README) override them.
 */
export interface SimConfig {
  seed: number;
  /** Added before each provider API answers (Twilio creates, SendGrid mail send). */
  latencyMs: MsRange;
  /** Between one status callback or event of a message and the next. */
  callbackDelayMs: MsRange;
  /**
   * How failed callback POSTs are retried, per provider as each documents it: Twilio's status
   * callbacks as the connection overrides in their URL's fragment ask (`#rc=5&rp=all`; without
   * any, Twilio's defaults: one retry, on a failed connection, within 15 s); SendGrid's Event
   * Webhook at growing delays (`sendgrid`) for up to a day. `timeScale` divides SendGrid's delays
   * and window (1440: a day in a minute), for tests and the chaos suite. Retries wait in one
   * queue of at most `maxQueuedBytes` of bodies; beyond it a POST is given up (and counted).
   * `enabled: false` posts every callback once (a benchmark without a receiver).
   */
  callbackRetry: {
    enabled: boolean;
    sendgrid: { firstDelayMs: number; maxDelayMs: number; windowMs: number };
    timeScale: number;
    maxQueuedBytes: number;
  };
  sms: SmsFaults;
  /**
   * The second Twilio account's SMS faults (ADR 0033: a second SMS route), drawn like `sms`'s;
   * `sms` is the first account's. Latency, rate limits and 429 storms are the API's, shared.
   */
  secondTwilioAccount: { sms: SmsFaults };
  voice: {
    errorRates: Record<string, number>;
    noAnswerRate: number;
    busyRate: number;
    failedRate: number;
    /** Answered by an answering machine: AnsweredBy machine_* when MachineDetection was asked. */
    machineRate: number;
    /** A human who hears a `<Gather>` presses 1. */
    acknowledgeRate: number;
  };
  email: {
    bounceRate: number;
    dropRate: number;
    /** `deferred` once, then `delivered`. */
    deferRate: number;
    /** Events per Event Webhook POST at most, and how long events wait for others to join them. */
    eventBatchSize: number;
    eventBatchWindowMs: number;
  };
  /** Requests per second per API above which the simulator answers 429; null = unlimited. */
  rateLimit: Record<SimApi, number | null>;
  /** The next `count` requests of `api` are answered 429 (a 429 storm); null when none is left. */
  burst429: { api: SimApi; count: number } | null;
  /**
   * How many messages the simulator keeps to show (inbox, lists, phones page): the latest
   * `messagesPerChannel` of each channel, and of those at most the latest `messagesPerAddress`
   * per number or address. Counters, the duplicate check and Twilio's list and fetch resources
   * (a compact record of every SMS and call, as Twilio keeps them for months: TwilioRecords)
   * cover every message whatever these are; only what can be read back in full is bounded.
   */
  retention: { messagesPerChannel: number; messagesPerAddress: number };
  /** Where inbound SMS (member replies, STOP/START) are posted, like a number's Messaging webhook. */
  twilioInboundSmsUrl: string | null;
  /** The account-wide SendGrid Event Webhook URL. */
  sendgridEventWebhookUrl: string | null;
}

/**
 * Every provider call succeeds quickly and in order; nothing is posted anywhere unless a URL
 * is given. Tests and benchmarks switch faults on explicitly.
 */
export const DEFAULT_SIM_CONFIG: SimConfig = {
  seed: 1,
  latencyMs: { min: 0, max: 0 },
  callbackDelayMs: { min: 5, max: 30 },
  callbackRetry: {
    enabled: true,
    sendgrid: { firstDelayMs: 30_000, maxDelayMs: 3_600_000, windowMs: 24 * 3_600_000 },
    timeScale: 1,
    // A tracker down for a day at 1,000,000 members would hold some 300 MB of e-mail events: the
    // simulator's memory budget (500 MB at 1,000,000 members, issue 10) bounds what it keeps.
    maxQueuedBytes: 64 * 1024 * 1024,
  },
  sms: { errorRates: {}, undeliveredRate: 0, failedRate: 0, outOfOrderRate: 0 },
  secondTwilioAccount: { sms: { errorRates: {}, undeliveredRate: 0, failedRate: 0, outOfOrderRate: 0 } },
  voice: { errorRates: {}, noAnswerRate: 0, busyRate: 0, failedRate: 0, machineRate: 0, acknowledgeRate: 0 },
  email: { bounceRate: 0, dropRate: 0, deferRate: 0, eventBatchSize: 500, eventBatchWindowMs: 20 },
  rateLimit: { twilioMessages: null, twilioCalls: null, sendgridMail: null },
  burst429: null,
  // More than any test reads back (1505 SMS) and than a demo zone's whole alert (3000 members);
  // some 20 MB of messages when full, so that the GC's headroom on top stays small too.
  retention: { messagesPerChannel: 5_000, messagesPerAddress: 20 },
  twilioInboundSmsUrl: null,
  sendgridEventWebhookUrl: null,
};
