import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { AccessTokenSettings } from '../auth/access-token';
import type { OidcSettings } from '../auth/oidc-token';
import { APPROVAL_POLICIES, DEFAULT_CIRCUIT_BREAKER, DEFAULT_RETENTION_DAYS, LANGUAGES, Language, MIN_RETENTION_DAYS, SECOND_ROUTE_USES } from '@bin-alert/domain';
import { SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY } from './simulator-webhook-keys';

/**
 * The one configuration schema of the system, read from the environment once at start-up.
 * Every app validates the whole of it so that a typo is caught wherever it is made; every
 * setting has a default that works on one machine with the project's own scripts.
 */
const DEVELOPMENT_TOKEN_SECRET = 'development-only-secret-never-use-in-production';
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const partitions = z.coerce.number().int().min(1).max(1000);
const optionalFile = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined))
  .pipe(
    z
      .string()
      .refine((f) => existsSync(f), 'no such file (give the path of a PEM file the process can read)')
      .optional(),
  );
/** A Twilio voice name: `man`, `woman`, `Polly.<Name>[-Neural|-Generative]`, `Google.<locale>-<Model>-<X>`… */
/** The defaults of TWILIO_VOICE_* and TWILIO_VOICE_LANGUAGE_*, declared with the schema that applies them. */
/**
 * Amazon Polly's neural voices through Twilio: the Belgian Dutch and Belgian French ones (Polly
 * has one neural voice for each), and for German and English the neural voices of Germany and
 * Britain (Polly has no Belgian German or Belgian English).
 */
export const DEFAULT_TWILIO_VOICES: Readonly<Record<Language, { voice: string; language: string }>> = {
  nl: { voice: 'Polly.Lisa-Neural', language: 'nl-BE' },
  fr: { voice: 'Polly.Isabelle-Neural', language: 'fr-BE' },
  de: { voice: 'Polly.Vicki-Neural', language: 'de-DE' },
  en: { voice: 'Polly.Amy-Neural', language: 'en-GB' },
};

const sayVoice = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'must be a voice name Twilio offers, e.g. Polly.Lisa-Neural');
const sayLanguage = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'must be a language-REGION tag, e.g. nl-BE');
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * What Express's `trust proxy` is given: false (the default: the client is whoever connected),
 * a hop count, or the addresses/CIDRs of the proxies. `true` (trust any hop) is refused: every
 * client could then choose its own address with X-Forwarded-For, and with it the per-IP limits.
 */
export type TrustedProxies = false | number | string[];
const EXPRESS_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
export function trustedProxyProblem(entry: string): string | undefined {
  if (EXPRESS_PROXY_NAMES.has(entry)) return undefined;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${entry}" is neither an IP address, a CIDR, nor loopback/linklocal/uniquelocal`;
  if (prefix === undefined) return undefined;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128) ? undefined : `"${entry}" has a prefix length outside 0-${family === 4 ? 32 : 128}`;
}
const trustedProxies = z
  .string()
  .default('')
  .transform((v, ctx): TrustedProxies => {
    const text = v.trim();
    if (text === '' || text === 'false' || text === '0') return false;
    if (/^\d+$/.test(text)) return Number(text);
    if (text === 'true') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "true would trust any client to name its own address; give the hop count (e.g. 1) or the proxies' addresses/CIDRs" });
      return z.NEVER;
    }
    const entries = text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const problem = trustedProxyProblem(entry);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (expected a hop count or a comma-separated list of addresses/CIDRs)` });
    }
    return entries;
  });
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) })
    .default(fallback)
    .transform((v) => v === 'true');

/** An origin reached from outside (members' links, providers' callbacks), optionally with a path: URLs are built by appending to it. Production wants https (publicExposureProblems). */
const publicOrigin = (fallback: string) =>
  z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v) && !/[?#]/.test(v), 'must be an http(s) origin, optionally with a path, without query')
    .transform((v) => v.replace(/\/+$/, ''))
    .default(fallback);

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/bin_alert'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  /** A dispatcher's connections kept apart for the urgent lane, beside DATABASE_POOL_SIZE (ADR 0053). */
  DATABASE_URGENT_POOL_SIZE: positiveInt.default(4),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port[,host:port]')).min(1)),
  KAFKA_CLIENT_ID: z.string().default('bin-alert'),
  /** How long the group waits for a silent consumer before handing its partitions to others. */
  KAFKA_SESSION_TIMEOUT_MS: positiveInt.min(6_000).default(30_000),
  /** TLS to the brokers. Without KAFKA_TLS_CA_FILE the system's CAs verify them (managed services). */
  KAFKA_TLS: flag('false'),
  /** PEM of a private CA that signed the brokers' certificates. */
  KAFKA_TLS_CA_FILE: optionalFile,
  /** PEM client certificate and key, for brokers that authenticate clients by certificate (mTLS). */
  KAFKA_TLS_CERT_FILE: optionalFile,
  KAFKA_TLS_KEY_FILE: optionalFile,
  /** SASL authentication: plain, scram-sha-256 or scram-sha-512, with the two below. Unset: none. */
  KAFKA_SASL_MECHANISM: optionalSecret.pipe(
    z.enum(['plain', 'scram-sha-256', 'scram-sha-512'], { errorMap: () => ({ message: 'must be plain, scram-sha-256 or scram-sha-512' }) }).optional(),
  ),
  KAFKA_SASL_USERNAME: optionalSecret,
  KAFKA_SASL_PASSWORD: optionalSecret,
  /**
   * Partitions of each topic family when it is created (existing topics grow to them, never
   * shrink). The maximum useful instances of a consumer group is its topic's partition count.
   */
  KAFKA_PARTITIONS_ALERTS: partitions.default(3),
  // The planner spreads each lane's jobs over all of its partitions by member (ADR 0017).
  KAFKA_PARTITIONS_JOBS_URGENT: partitions.default(24),
  KAFKA_PARTITIONS_JOBS_NORMAL: partitions.default(24),
  KAFKA_PARTITIONS_DELIVERY_EVENTS: partitions.default(6),
  KAFKA_PARTITIONS_MEMBER_NOTICES: partitions.default(3),
  KAFKA_PARTITIONS_DEAD_LETTERS: partitions.default(1),
  /** Copies of every partition (3 on a production cluster), and how many must have a write before it is acknowledged (producers use acks=all). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(16).default(1),

  /**
   * The address the HTTP servers bind. Loopback by default, so that nothing is exposed by
   * accident on a workstation; containers set 0.0.0.0 (or ::).
   */
  HOST: z
    .string()
    .trim()
    .default('127.0.0.1')
    .refine((v) => isIP(v) !== 0 || HOSTNAME.test(v), 'must be an IP address (0.0.0.0 for every interface) or a host name'),
  /** Reverse proxies in front of the apps whose X-Forwarded-For is believed: a hop count, or their addresses/CIDRs. Unset: none. */
  TRUSTED_PROXIES: trustedProxies,
  /**
   * When set, /metrics is served on this port only (with /health, /health/live, /health/ready), not on the app's port.
   * Required in production, where the app's port answers 404 for the health endpoints too. 0: any free one, logged at start.
   */
  OPS_PORT: optionalSecret.pipe(port.optional()),
  /** After SIGTERM: how long calls in flight may take to finish before the process exits anyway. */
  DRAIN_DEADLINE_SECONDS: positiveInt.max(3600).default(30),
  /**
   * OpenTelemetry (ADR 0020): the OTLP/HTTP base URL of a collector (http://127.0.0.1:4318;
   * /v1/traces is appended). Unset: no span is recorded or exported; trace context is still passed on.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalSecret.pipe(
    z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v) && !/[?#]/.test(v), 'must be an http(s) URL without query, e.g. http://127.0.0.1:4318')
      .optional(),
  ),
  /** The `service.name` of the spans; unset: each app's own (bin-alert-intake, bin-alert-dispatcher-sms, …). */
  OTEL_SERVICE_NAME: optionalSecret.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, . _ - (at most 128)')
      .optional(),
  ),

  INTAKE_PORT: port.default(3000),
  DISPATCHER_SMS_PORT: port.default(3101),
  DISPATCHER_EMAIL_PORT: port.default(3102),
  DISPATCHER_VOICE_PORT: port.default(3103),
  TRACKER_PORT: port.default(3104),
  SIM_PORT: port.default(4010),

  /** Where the provider simulator listens; used whenever real credentials are absent. */
  PROVIDER_SIM_URL: z.string().url().default('http://127.0.0.1:4010'),
  TWILIO_ACCOUNT_SID: optionalSecret.pipe(
    z
      .string()
      .regex(/^AC[0-9a-f]{32}$/, 'must be AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalSecret,
  TWILIO_FROM_NUMBER: e164.default('+32460200100'),
  /**
   * A second SMS route (ADR 0033): a second Twilio account with its own sender, which alerts take
   * while the first account fails (an error-rate circuit breaker per route). Unset
   * TWILIO_SECOND_FROM_NUMBER: one route, as before. Its credentials are required when the first
   * account's are set; without any, the simulator's second account.
   */
  TWILIO_SECOND_ACCOUNT_SID: optionalSecret.pipe(
    z
      .string()
      .regex(/^AC[0-9a-f]{32}$/, 'must be AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_SECOND_AUTH_TOKEN: optionalSecret,
  TWILIO_SECOND_FROM_NUMBER: optionalSecret.pipe(e164.optional()),
  TWILIO_SECOND_MESSAGES_PER_SECOND: positiveInt.default(100),
  /** `urgent`: only urgent alerts switch to the second route; `all`: normal ones too (ADR 0033 says why not by default). */
  TWILIO_SECOND_ROUTE_FOR: z.enum(SECOND_ROUTE_USES).default('urgent'),
  /** A route's breaker opens when this share of its latest calls failed… */
  SMS_ROUTE_FAILURE_RATE: z.coerce.number().gt(0).max(1).default(DEFAULT_CIRCUIT_BREAKER.failureRateThreshold),
  /** …of the latest this many (within a minute)… */
  SMS_ROUTE_WINDOW: positiveInt.max(10_000).default(DEFAULT_CIRCUIT_BREAKER.windowSize),
  /** …once at least this many are known; */
  SMS_ROUTE_MIN_CALLS: positiveInt.max(10_000).default(DEFAULT_CIRCUIT_BREAKER.minimumOutcomes),
  /** then it stays open this long before trial messages go that way again. */
  SMS_ROUTE_OPEN_SECONDS: positiveInt.max(3600).default(DEFAULT_CIRCUIT_BREAKER.openMs / 1000),
  /**
   * The voice calls speak in, per member language (Twilio `<Say voice language>`): defaults are
   * Amazon Polly's Belgian Dutch and Belgian French neural voices, German and British English ones.
   * Twilio refuses a voice with a language it does not speak: change both together.
   */
  TWILIO_VOICE_NL: sayVoice.default(DEFAULT_TWILIO_VOICES.nl.voice),
  TWILIO_VOICE_LANGUAGE_NL: sayLanguage.default(DEFAULT_TWILIO_VOICES.nl.language),
  TWILIO_VOICE_FR: sayVoice.default(DEFAULT_TWILIO_VOICES.fr.voice),
  TWILIO_VOICE_LANGUAGE_FR: sayLanguage.default(DEFAULT_TWILIO_VOICES.fr.language),
  TWILIO_VOICE_DE: sayVoice.default(DEFAULT_TWILIO_VOICES.de.voice),
  TWILIO_VOICE_LANGUAGE_DE: sayLanguage.default(DEFAULT_TWILIO_VOICES.de.language),
  TWILIO_VOICE_EN: sayVoice.default(DEFAULT_TWILIO_VOICES.en.voice),
  TWILIO_VOICE_LANGUAGE_EN: sayLanguage.default(DEFAULT_TWILIO_VOICES.en.language),
  SENDGRID_API_KEY: optionalSecret,
  SENDGRID_FROM_EMAIL: z.string().email().default('bin@politie-aalst.example'),
  SENDGRID_FROM_NAME: z.string().default('BIN Politiezone Aalst'),

  /**
   * The tracker's origin as Twilio and SendGrid reach it (behind a proxy: the public one). Status
   * callback URLs are built from it, and Twilio signatures are checked against it.
   */
  TRACKER_PUBLIC_URL: publicOrigin('http://127.0.0.1:3104'),
  /**
   * SendGrid's Signed Event Webhook verification key (base64 DER, `MFkw…`). The default is the
   * simulator's published development key: the tracker refuses it when SENDGRID_API_KEY is set.
   */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be the base64 verification key SendGrid shows (MFkw…)')
    .default(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY),
  /** Signed webhooks older (or further in the future) than this are refused as replays. */
  WEBHOOK_MAX_AGE_SECONDS: positiveInt.default(600),
  /** How long the tracker remembers a callback to drop the provider's repeats of it. */
  WEBHOOK_DEDUPE_TTL_SECONDS: positiveInt.default(86_400),
  /**
   * The tracker's reconciliation (ADR 0039): an SMS or call the provider took that is still not
   * final this long after its last change is looked up at Twilio, its answer reported as a
   * callback would be. Twilio gives a callback up after about 15 s: far longer than that.
   */
  RECONCILE_AFTER_SECONDS: positiveInt.min(30).max(86_400).default(300),
  /** Lookups per second per tracker instance, at most (Twilio's API limits are per account; 0 turns it off). */
  RECONCILE_LOOKUPS_PER_SECOND: z.coerce.number().int().min(0).max(100).default(5),
  /** Wait before asking again about a message still on its way (or a lookup unanswered), doubled each time… */
  RECONCILE_RETRY_SECONDS: positiveInt.max(86_400).default(120),
  /** …up to this… */
  RECONCILE_MAX_RETRY_SECONDS: positiveInt.max(86_400).default(3_600),
  /** …and at most this many lookups of one delivery, after which it keeps its status with the reason recorded. */
  RECONCILE_MAX_CHECKS: positiveInt.max(50).default(8),
  /** How often a tracker looks for deliveries due for a lookup. */
  RECONCILE_POLL_MS: positiveInt.min(100).default(10_000),

  /** Members read and written per page while planning an alert's audience. */
  DISPATCH_PAGE_SIZE: positiveInt.max(10_000).default(1000),
  /** Recipients per SMS / voice job and per e-mail job on the jobs topics. */
  DISPATCH_JOB_SIZE: positiveInt.max(1000).default(100),
  DISPATCH_EMAIL_JOB_SIZE: positiveInt.max(1000).default(1000),
  /** How long a sender holds a claimed delivery before another instance may take it over. */
  DISPATCH_LEASE_MS: positiveInt.min(5_000).default(120_000),
  /** Provider calls in flight per dispatcher instance. */
  DISPATCH_SEND_CONCURRENCY: positiveInt.max(512).default(16),
  /** Shared limits across every instance, enforced in Redis. */
  /** Calls again a member who did not answer or was busy, this many times (0: never)… */
  VOICE_REDIALS: z.coerce.number().int().min(0).max(5).default(2),
  /** …this long after the call that failed to reach them. */
  VOICE_REDIAL_DELAY_SECONDS: positiveInt.max(86_400).default(120),
  TWILIO_MESSAGES_PER_SECOND: positiveInt.default(100),
  TWILIO_CALLS_PER_SECOND: positiveInt.default(20),
  SENDGRID_REQUESTS_PER_SECOND: positiveInt.default(50),
  OUTBOX_POLL_MS: positiveInt.default(250),

  /** HS256 key of the access tokens. The default is for development and tests only. */
  AUTH_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').default(DEVELOPMENT_TOKEN_SECRET),
  AUTH_TOKEN_ISSUER: z.string().min(1).default('bin-alert'),
  AUTH_TOKEN_AUDIENCE: z.string().min(1).default('bin-alert-api'),
  AUTH_TOKEN_TTL_SECONDS: positiveInt.default(8 * 3600),
  /**
   * An organisation's OIDC identity provider may take over sign-in: its RS256/ES256 tokens are
   * accepted when verified against its JWKS, for this issuer and audience. Local HS256 tokens stay valid.
   */
  AUTH_JWKS_URL: optionalSecret.pipe(z.string().url().optional()),
  AUTH_OIDC_ISSUER: optionalSecret,
  AUTH_OIDC_AUDIENCE: optionalSecret,
  /** Where the provider's tokens carry the role, police zone and BINs (dotted paths, e.g. realm_access.roles). */
  AUTH_OIDC_ROLE_CLAIM: z.string().min(1).default('role'),
  AUTH_OIDC_ZONE_CLAIM: z.string().min(1).default('zone'),
  AUTH_OIDC_BINS_CLAIM: z.string().min(1).default('bins'),
  /** Sign-in attempts allowed per username and per client address in each window, then 429. */
  AUTH_LOGIN_MAX_ATTEMPTS_PER_USERNAME: positiveInt.default(5),
  AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: positiveInt.default(30),
  AUTH_LOGIN_WINDOW_SECONDS: positiveInt.default(900),
  /**
   * `distributed`: PostgreSQL, Redis and Kafka at the addresses above. `standalone`: the whole
   * system in one process with embedded PostgreSQL (PGlite), an in-process bus and in-memory
   * stores; DATABASE_URL, REDIS_URL and KAFKA_BROKERS are then not used (ADR 0009).
   */
  BIN_ALERT_MODE: z.enum(['distributed', 'standalone']).default('distributed'),
  /** Standalone mode: where the embedded database keeps its files, so a restart keeps the data. */
  STANDALONE_DATA_DIR: z.string().min(1).default('.local/standalone'),
  /** Standalone mode: `true` deletes the embedded database's files first and starts from nothing. */
  STANDALONE_FRESH: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Standalone mode: loopback port of the embedded database (0: any free one, shown at start). */
  STANDALONE_DB_PORT: port.default(0),
  /** Standalone mode: demo members seeded into an empty database. */
  STANDALONE_DEMO_MEMBERS: z.coerce.number().int().min(0).max(100_000).default(3000),

  /** Which alerts a supervisor other than the author must approve (ADR 0008). */
  APPROVAL_REQUIRED_FOR: z.enum(APPROVAL_POLICIES).default('none'),
  /** The zone's language: members whose language an alert lacks read it in this one, if written. */
  ZONE_DEFAULT_LANGUAGE: z.enum(LANGUAGES).default('nl'),
  /** At most this many SMS segments per message; longer bodies are cut at a word. */
  SMS_SEGMENT_BUDGET: positiveInt.max(10).default(3),
  /** CAP 1.2 `sender` of the alerts this installation writes (export, references). */
  CAP_SENDER: z
    .string()
    .regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &')
    .default('bin-alert@politie-aalst.example'),

  /**
   * HMAC key of the links e-mailed to members (preferences, subscribe, unsubscribe, confirm,
   * resign) and of the SMS code hashes. Unset: derived from AUTH_TOKEN_SECRET (a separate key
   * from a secret production must set anyway); set it to rotate member links on their own.
   */
  LINK_SIGNING_SECRET: optionalSecret.pipe(z.string().min(32, 'at least 32 characters').optional()),
  /** The public origin of intake as members reach it: the base of every link e-mailed to them. */
  MEMBER_LINKS_BASE_URL: publicOrigin('http://127.0.0.1:3000'),
  /** Membership applications accepted per client IP per hour (the form is public). */
  APPLICATIONS_PER_IP_PER_HOUR: positiveInt.default(5),
  /**
   * Applications accepted per hour from all addresses together, and as many codes and links that
   * cost an SMS or an e-mail: a ceiling that holds however many addresses a burst comes from.
   */
  APPLICATIONS_PER_HOUR: positiveInt.default(300),
  /** How often a dispatcher looks for deliveries whose quiet hours have ended. */
  DISPATCH_DEFERRED_POLL_MS: positiveInt.default(15_000),
  /** How often an SMS dispatcher looks for failed SMS of urgent alerts to fall back from (ADR 0031). */
  DISPATCH_FALLBACK_POLL_MS: positiveInt.default(2_000),
  /**
   * Days after which deliveries lose their member and contact, and member notices, STOP history,
   * relayed outbox records and audit entries are deleted (ADR 0030); the reports' counts stay.
   */
  RETENTION_DAYS: z.coerce.number().int().min(MIN_RETENTION_DAYS).default(DEFAULT_RETENTION_DAYS),
  /** How often intake runs the retention sweep (one instance at a time). */
  RETENTION_SWEEP_MS: positiveInt.min(60_000).default(3_600_000),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix the environment variables above and start again.`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const config = parsed.data;
  const twilioHalf = Boolean(config.TWILIO_ACCOUNT_SID) !== Boolean(config.TWILIO_AUTH_TOKEN);
  if (twilioHalf) throw new ConfigError(['TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both (real Twilio) or neither (simulator)']);
  if (config.NODE_ENV === 'production' && config.AUTH_TOKEN_SECRET === DEVELOPMENT_TOKEN_SECRET) {
    throw new ConfigError(['AUTH_TOKEN_SECRET: set a secret of your own in production (anyone can sign tokens with the default)']);
  }
  if (config.AUTH_JWKS_URL && !(config.AUTH_OIDC_ISSUER && config.AUTH_OIDC_AUDIENCE)) {
    throw new ConfigError(['AUTH_OIDC_ISSUER and AUTH_OIDC_AUDIENCE: required with AUTH_JWKS_URL (tokens are checked against both)']);
  }
  const problems = [...publicExposureProblems(config), ...kafkaSettingProblems(config), ...secondSmsRouteProblems(config), ...reconciliationProblems(config)];
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const APP_PORT_SETTINGS = ['INTAKE_PORT', 'DISPATCHER_SMS_PORT', 'DISPATCHER_EMAIL_PORT', 'DISPATCHER_VOICE_PORT', 'TRACKER_PORT'] as const;

/**
 * What production must not expose (docs/reliability.md, "Security posture"): the metrics and
 * health endpoints on the public port, and plain-http origins in what members and providers are sent.
 */
function publicExposureProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const opsPort = config.OPS_PORT;
  for (const setting of APP_PORT_SETTINGS) {
    if (opsPort && config[setting] === opsPort) problems.push(`OPS_PORT: ${opsPort} is also ${setting}; give the ops endpoints a port of their own`);
  }
  if (config.NODE_ENV !== 'production') return problems;
  if (opsPort === undefined) {
    problems.push(
      'OPS_PORT: required in production: /metrics and the health endpoints are served on it and never on the public port (e.g. 9464; point the probes and Prometheus at it)',
    );
  }
  const plainHttp = {
    MEMBER_LINKS_BASE_URL: 'members are e-mailed signed links to it; over plain http anyone on the way can read and use them',
    TRACKER_PUBLIC_URL: 'providers post delivery reports with phone numbers and e-mail addresses to it',
  } as const;
  for (const [setting, why] of Object.entries(plainHttp) as Array<[keyof typeof plainHttp, string]>) {
    if (!config[setting].startsWith('https://')) problems.push(`${setting}: must be an https origin in production (${why}); got ${config[setting]}`);
  }
  return problems;
}

/** The second SMS route's settings that only make sense together (ADR 0033). */
function secondSmsRouteProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const sid = config.TWILIO_SECOND_ACCOUNT_SID;
  const realSecond = Boolean(sid) || Boolean(config.TWILIO_SECOND_AUTH_TOKEN);
  if (Boolean(sid) !== Boolean(config.TWILIO_SECOND_AUTH_TOKEN))
    problems.push('TWILIO_SECOND_ACCOUNT_SID and TWILIO_SECOND_AUTH_TOKEN: set both (a real second Twilio account) or neither');
  if (realSecond && !config.TWILIO_SECOND_FROM_NUMBER)
    problems.push('TWILIO_SECOND_FROM_NUMBER: required with the second account’s credentials (the number it sends from; unset means one SMS route)');
  if (config.TWILIO_SECOND_FROM_NUMBER && Boolean(config.TWILIO_ACCOUNT_SID) !== realSecond) {
    problems.push(
      config.TWILIO_ACCOUNT_SID
        ? 'TWILIO_SECOND_ACCOUNT_SID and TWILIO_SECOND_AUTH_TOKEN: required with TWILIO_SECOND_FROM_NUMBER when the first account is real Twilio (a second route to the simulator would lose real alerts)'
        : 'TWILIO_SECOND_ACCOUNT_SID: a real second account needs a real first one (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)',
    );
  }
  if (sid && sid === config.TWILIO_ACCOUNT_SID && config.TWILIO_SECOND_AUTH_TOKEN !== config.TWILIO_AUTH_TOKEN) {
    problems.push('TWILIO_SECOND_AUTH_TOKEN: the second route names the first account (same SID) with another auth token; one account signs its callbacks with one token');
  }
  if (config.SMS_ROUTE_MIN_CALLS > config.SMS_ROUTE_WINDOW)
    problems.push(`SMS_ROUTE_MIN_CALLS: ${config.SMS_ROUTE_MIN_CALLS} is more than SMS_ROUTE_WINDOW (${config.SMS_ROUTE_WINDOW}): the breaker could never open`);
  return problems;
}

/** The Kafka settings that only make sense together. */
function kafkaSettingProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  const tlsFiles = (['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const).filter((k) => config[k]);
  if (tlsFiles.length > 0 && !config.KAFKA_TLS) problems.push(`${tlsFiles.join(', ')}: set KAFKA_TLS=true as well (the files are only used over TLS)`);
  if (Boolean(config.KAFKA_TLS_CERT_FILE) !== Boolean(config.KAFKA_TLS_KEY_FILE))
    problems.push('KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE: set both (client certificate) or neither');
  const sasl = [config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD];
  if (sasl.some(Boolean) && !sasl.every(Boolean)) problems.push('KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: set all three (SASL) or none');
  if (config.KAFKA_SASL_MECHANISM === 'plain' && !config.KAFKA_TLS && config.NODE_ENV === 'production') {
    problems.push('KAFKA_SASL_MECHANISM: plain sends the password in clear text; set KAFKA_TLS=true in production');
  }
  if (config.KAFKA_MIN_INSYNC_REPLICAS > config.KAFKA_REPLICATION_FACTOR) {
    problems.push(
      `KAFKA_MIN_INSYNC_REPLICAS: ${config.KAFKA_MIN_INSYNC_REPLICAS} exceeds KAFKA_REPLICATION_FACTOR ${config.KAFKA_REPLICATION_FACTOR} (every write with acks=all would be refused)`,
    );
  }
  return problems;
}

/** The key of member links and SMS code hashes: LINK_SIGNING_SECRET, else one derived from AUTH_TOKEN_SECRET. */
export function memberLinkSecretFrom(config: Pick<AppConfig, 'LINK_SIGNING_SECRET' | 'AUTH_TOKEN_SECRET'>): string {
  return config.LINK_SIGNING_SECRET ?? createHmac('sha256', config.AUTH_TOKEN_SECRET).update('bin-alert member links').digest('base64url');
}

export function accessTokenSettingsFrom(config: AppConfig): AccessTokenSettings {
  return { secret: config.AUTH_TOKEN_SECRET, issuer: config.AUTH_TOKEN_ISSUER, audience: config.AUTH_TOKEN_AUDIENCE, ttlSeconds: config.AUTH_TOKEN_TTL_SECONDS };
}

/** The identity provider's settings, when one is configured. */
export function oidcSettingsFrom(config: AppConfig): OidcSettings | undefined {
  if (!config.AUTH_JWKS_URL || !config.AUTH_OIDC_ISSUER || !config.AUTH_OIDC_AUDIENCE) return undefined;
  return {
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_OIDC_ISSUER,
    audience: config.AUTH_OIDC_AUDIENCE,
    claims: { role: config.AUTH_OIDC_ROLE_CLAIM, zone: config.AUTH_OIDC_ZONE_CLAIM, bins: config.AUTH_OIDC_BINS_CLAIM },
  };
}

/** The reconciliation's waits must grow, not shrink (ADR 0039). */
function reconciliationProblems(config: AppConfig): string[] {
  if (config.RECONCILE_MAX_RETRY_SECONDS >= config.RECONCILE_RETRY_SECONDS) return [];
  return [`RECONCILE_MAX_RETRY_SECONDS: ${config.RECONCILE_MAX_RETRY_SECONDS} is below RECONCILE_RETRY_SECONDS (${config.RECONCILE_RETRY_SECONDS}); the waits double up to it`];
}
