import { ConfigError, loadConfig, memberLinkSecretFrom } from './app-config';

/** What production needs besides its secret (deployment-settings.spec.ts, "security posture in production"). */
const PRODUCTION_EXPOSURE = { OPS_PORT: '9464', MEMBER_LINKS_BASE_URL: 'https://bin.example', TRACKER_PUBLIC_URL: 'https://hooks.bin.example' };

describe('loadConfig', () => {
  it('works with no environment at all, pointing at local servers and the simulator', () => {
    const config = loadConfig({});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toContain('127.0.0.1:5432');
    expect(config.TWILIO_ACCOUNT_SID).toBeUndefined();
  });

  it('keeps rows naming members for 400 days unless told otherwise, and never for less than a tracking month', () => {
    expect(loadConfig({}).RETENTION_DAYS).toBe(400);
    expect(loadConfig({ RETENTION_DAYS: '730' }).RETENTION_DAYS).toBe(730);
    expect(() => loadConfig({ RETENTION_DAYS: '7' })).toThrow(/RETENTION_DAYS/);
    expect(() => loadConfig({ RETENTION_DAYS: 'a year' })).toThrow(/RETENTION_DAYS/);
  });

  it('names every bad variable and why', () => {
    try {
      loadConfig({ KAFKA_BROKERS: 'nohostport', INTAKE_PORT: 'eighty', TWILIO_ACCOUNT_SID: 'XX1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('KAFKA_BROKERS');
      expect(message).toContain('INTAKE_PORT');
      expect(message).toContain('TWILIO_ACCOUNT_SID: must be AC followed by 32 hex digits');
    }
  });

  it('refuses half a set of Twilio credentials', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` })).toThrow(/set both/);
  });

  describe('the second SMS route', () => {
    const SID = `AC${'1'.repeat(32)}`;
    const SECOND_SID = `AC${'2'.repeat(32)}`;
    const real = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'first-token' };
    const problemOf = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return null;
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };

    it('is absent unless its sender is set, and goes to the simulator’s second account without credentials', () => {
      expect(loadConfig({}).TWILIO_SECOND_FROM_NUMBER).toBeUndefined();
      expect(loadConfig({ TWILIO_SECOND_FROM_NUMBER: '+32460200200' }).TWILIO_SECOND_FROM_NUMBER).toBe('+32460200200');
      expect(
        loadConfig({ ...real, TWILIO_SECOND_ACCOUNT_SID: SECOND_SID, TWILIO_SECOND_AUTH_TOKEN: 't2', TWILIO_SECOND_FROM_NUMBER: '+32460200200' }).TWILIO_SECOND_ACCOUNT_SID,
      ).toBe(SECOND_SID);
    });

    it.each([
      [{ TWILIO_SECOND_FROM_NUMBER: '0460' }, 'TWILIO_SECOND_FROM_NUMBER: must be an E.164 number'],
      [{ TWILIO_SECOND_ACCOUNT_SID: SECOND_SID, TWILIO_SECOND_FROM_NUMBER: '+32460200200' }, 'TWILIO_SECOND_ACCOUNT_SID and TWILIO_SECOND_AUTH_TOKEN: set both'],
      [{ ...real, TWILIO_SECOND_ACCOUNT_SID: SECOND_SID, TWILIO_SECOND_AUTH_TOKEN: 't2' }, 'TWILIO_SECOND_FROM_NUMBER: required with the second account’s credentials'],
      [{ ...real, TWILIO_SECOND_FROM_NUMBER: '+32460200200' }, 'required with TWILIO_SECOND_FROM_NUMBER when the first account is real Twilio'],
      [{ TWILIO_SECOND_ACCOUNT_SID: SECOND_SID, TWILIO_SECOND_AUTH_TOKEN: 't2', TWILIO_SECOND_FROM_NUMBER: '+32460200200' }, 'a real second account needs a real first one'],
      [{ ...real, TWILIO_SECOND_ACCOUNT_SID: SID, TWILIO_SECOND_AUTH_TOKEN: 'other', TWILIO_SECOND_FROM_NUMBER: '+32460200200' }, 'one account signs its callbacks with one token'],
      [{ TWILIO_SECOND_ROUTE_FOR: 'normal' }, 'TWILIO_SECOND_ROUTE_FOR'],
      [{ SMS_ROUTE_FAILURE_RATE: '0' }, 'SMS_ROUTE_FAILURE_RATE'],
      [{ SMS_ROUTE_MIN_CALLS: '30' }, 'SMS_ROUTE_MIN_CALLS: 30 is more than SMS_ROUTE_WINDOW (20)'],
    ])('refuses %j: %s', (env, problem) => {
      expect(problemOf(env as Record<string, string>)).toContain(problem);
    });
  });

  it('treats empty credentials as absent', () => {
    expect(loadConfig({ SENDGRID_API_KEY: '  ' }).SENDGRID_API_KEY).toBeUndefined();
  });
});

describe('tracker settings', () => {
  it('defaults to the local tracker and the simulator’s SendGrid key', () => {
    const config = loadConfig({});
    expect(config.TRACKER_PORT).toBe(3104);
    expect(config.TRACKER_PUBLIC_URL).toBe('http://127.0.0.1:3104');
    expect(config.SENDGRID_WEBHOOK_PUBLIC_KEY).toMatch(/^MFkw/);
    expect(config.WEBHOOK_MAX_AGE_SECONDS).toBe(600);
  });

  it('drops a trailing slash of the public URL and refuses one with a query', () => {
    expect(loadConfig({ TRACKER_PUBLIC_URL: 'https://bin.example/tracker/' }).TRACKER_PUBLIC_URL).toBe('https://bin.example/tracker');
    expect(() => loadConfig({ TRACKER_PUBLIC_URL: 'https://bin.example/?x=1' })).toThrow(/TRACKER_PUBLIC_URL/);
    expect(() => loadConfig({ TRACKER_PUBLIC_URL: 'ftp://bin.example' })).toThrow(/TRACKER_PUBLIC_URL/);
  });

  it('refuses a SendGrid key that is not base64', () => {
    expect(() => loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: '-----BEGIN PUBLIC KEY----- x' })).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY/);
  });
  it('refuses to run production with the development token secret, and a short secret anywhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('AUTH_TOKEN_SECRET: set a secret of your own in production');
    expect(() => loadConfig({ AUTH_TOKEN_SECRET: 'short' })).toThrow('AUTH_TOKEN_SECRET: at least 32 characters');
    expect(loadConfig({ ...PRODUCTION_EXPOSURE, NODE_ENV: 'production', AUTH_TOKEN_SECRET: 'k'.repeat(32) }).AUTH_TOKEN_SECRET).toBe('k'.repeat(32));
  });
  it('takes an identity provider only with its issuer and audience', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks' })).toThrow('AUTH_OIDC_ISSUER and AUTH_OIDC_AUDIENCE: required with AUTH_JWKS_URL');
    expect(() => loadConfig({ AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL/);
    const config = loadConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_OIDC_ISSUER: 'https://idp.example', AUTH_OIDC_AUDIENCE: 'bin-alert' });
    expect(config.AUTH_OIDC_ROLE_CLAIM).toBe('role');
    expect(loadConfig({}).AUTH_JWKS_URL).toBeUndefined();
  });

  it('signs member links with their own key, derived from the token secret unless one is set', () => {
    const derived = memberLinkSecretFrom(loadConfig({ AUTH_TOKEN_SECRET: 'k'.repeat(32) }));
    expect(derived).not.toContain('k'.repeat(8));
    expect(derived.length).toBeGreaterThanOrEqual(32);
    expect(memberLinkSecretFrom(loadConfig({ AUTH_TOKEN_SECRET: 'j'.repeat(32) }))).not.toBe(derived);
    expect(memberLinkSecretFrom(loadConfig({ LINK_SIGNING_SECRET: 'l'.repeat(32) }))).toBe('l'.repeat(32));
    expect(() => loadConfig({ LINK_SIGNING_SECRET: 'short' })).toThrow('LINK_SIGNING_SECRET: at least 32 characters');
  });
});
