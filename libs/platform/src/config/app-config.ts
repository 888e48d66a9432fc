import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY } from '@bin-alert/providers';
import type { AccessTokenSettings } from '../auth/access-token';
import type { OidcSettings } from '../auth/oidc-token';
import { APPROVAL_POLICIES, LANGUAGES } from '@bin-alert/domain';

/**
 * The one configuration schema of the system, read from the environment once at start-up.
 * Every app validates the whole of it so that a typo is caught wherever it is made; every
 * setting has a default that works on one machine with the project's own scripts.
 */
const DEVELOPMENT_TOKEN_SECRET = 'development-only-secret-never-use-in-production';
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),

  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/bin_alert'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port[,host:port]')).min(1)),
  KAFKA_CLIENT_ID: z.string().default('bin-alert'),
  /** How long the group waits for a silent consumer before handing its partitions to others. */
  KAFKA_SESSION_TIMEOUT_MS: positiveInt.min(6_000).default(30_000),

  INTAKE_PORT: port.default(3000),
  DISPATCHER_SMS_PORT: port.default(3101),
  DISPATCHER_EMAIL_PORT: port.default(3102),
  DISPATCHER_VOICE_PORT: port.default(3103),
  TRACKER_PORT: port.default(3104),
  SIM_PORT: port.default(4010),

  /** Where the provider simulator listens; used whenever real credentials are absent. */
  PROVIDER_SIM_URL: z.string().url().default('http://127.0.0.1:4010'),
  TWILIO_ACCOUNT_SID: optionalSecret.pipe(z.string().regex(/^AC[0-9a-f]{32}$/, 'must be AC followed by 32 hex digits').optional()),
  TWILIO_AUTH_TOKEN: optionalSecret,
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number').default('+32460200100'),
  SENDGRID_API_KEY: optionalSecret,
  SENDGRID_FROM_EMAIL: z.string().email().default('bin@politie-aalst.example'),
  SENDGRID_FROM_NAME: z.string().default('BIN Politiezone Aalst'),

  /**
   * The tracker's origin as Twilio and SendGrid reach it (behind a proxy: the public one). Status
   * callback URLs are built from it, and Twilio signatures are checked against it.
   */
  TRACKER_PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//.test(v) && !/[?#]/.test(v), 'must be an http(s) origin, optionally with a path, without query')
    .transform((v) => v.replace(/\/+$/, ''))
    .default('http://127.0.0.1:3104'),
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
  STANDALONE_FRESH: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
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
  CAP_SENDER: z.string().regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &').default('bin-alert@politie-aalst.example'),

  /**
   * HMAC key of the links e-mailed to members (preferences, subscribe, unsubscribe, confirm,
   * resign) and of the SMS code hashes. Unset: derived from AUTH_TOKEN_SECRET (a separate key
   * from a secret production must set anyway); set it to rotate member links on their own.
   */
  LINK_SIGNING_SECRET: optionalSecret.pipe(z.string().min(32, 'at least 32 characters').optional()),
  /** The public origin of intake as members reach it: the base of every link e-mailed to them. */
  MEMBER_LINKS_BASE_URL: z.string().url().transform((v) => v.replace(/\/+$/, '')).default('http://127.0.0.1:3000'),
  /** Membership applications accepted per client IP per hour (the form is public). */
  APPLICATIONS_PER_IP_PER_HOUR: positiveInt.default(5),
  /** How often a dispatcher looks for deliveries whose quiet hours have ended. */
  DISPATCH_DEFERRED_POLL_MS: positiveInt.default(15_000),
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
  return config;
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
