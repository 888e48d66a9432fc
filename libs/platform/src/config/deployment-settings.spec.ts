import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** A production environment that passes every production rule. */
const PRODUCTION = {
  NODE_ENV: 'production',
  AUTH_TOKEN_SECRET: 'k'.repeat(32),
  OPS_PORT: '9464',
  MEMBER_LINKS_BASE_URL: 'https://bin.example',
  TRACKER_PUBLIC_URL: 'https://hooks.bin.example',
};

describe('deployment settings (ADR 0017)', () => {
  it('defaults to loopback, no trusted proxy, plain Kafka, 24 partitions per jobs topic, one replica, /metrics on the app port, a 30 s drain', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      TRUSTED_PROXIES: false,
      KAFKA_TLS: false,
      KAFKA_PARTITIONS_ALERTS: 3,
      KAFKA_PARTITIONS_JOBS_URGENT: 24,
      KAFKA_PARTITIONS_JOBS_NORMAL: 24,
      KAFKA_PARTITIONS_DELIVERY_EVENTS: 6,
      KAFKA_PARTITIONS_MEMBER_NOTICES: 3,
      KAFKA_PARTITIONS_DEAD_LETTERS: 1,
      KAFKA_REPLICATION_FACTOR: 1,
      KAFKA_MIN_INSYNC_REPLICAS: 1,
      DRAIN_DEADLINE_SECONDS: 30,
    });
    expect(config.OPS_PORT).toBeUndefined();
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('binds any address or host name, and names a bad one', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::' }).HOST).toBe('::');
    expect(loadConfig({ HOST: 'dispatcher-sms.internal' }).HOST).toBe('dispatcher-sms.internal');
    expect(problemsOf({ HOST: 'http://0.0.0.0' })).toEqual(['HOST: must be an IP address (0.0.0.0 for every interface) or a host name']);
  });

  it('trusts a hop count or a list of addresses and CIDRs, never everyone', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '1' }).TRUSTED_PROXIES).toBe(1);
    expect(loadConfig({ TRUSTED_PROXIES: '' }).TRUSTED_PROXIES).toBe(false);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,fd00::/8,loopback' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']);
    expect(problemsOf({ TRUSTED_PROXIES: 'true' })).toEqual([expect.stringMatching(/^TRUSTED_PROXIES: true would trust any client to name its own address/)]);
    expect(problemsOf({ TRUSTED_PROXIES: '10.0.0.0/33,proxy.example' })).toEqual([
      'TRUSTED_PROXIES: "10.0.0.0/33" has a prefix length outside 0-32 (expected a hop count or a comma-separated list of addresses/CIDRs)',
      'TRUSTED_PROXIES: "proxy.example" is neither an IP address, a CIDR, nor loopback/linklocal/uniquelocal (expected a hop count or a comma-separated list of addresses/CIDRs)',
    ]);
  });

  it('takes Kafka TLS with the system CAs, or with PEM files that exist', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kafka-tls-'));
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    expect(loadConfig({ KAFKA_TLS: 'true' })).toMatchObject({ KAFKA_TLS: true });
    expect(loadConfig({ KAFKA_TLS: 'true' }).KAFKA_TLS_CA_FILE).toBeUndefined();
    expect(loadConfig({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: ca }).KAFKA_TLS_CA_FILE).toBe(ca);
    expect(problemsOf({ KAFKA_TLS: 'yes' })).toEqual(['KAFKA_TLS: must be true or false']);
    expect(problemsOf({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: path.join(dir, 'missing.pem') })).toEqual([
      'KAFKA_TLS_CA_FILE: no such file (give the path of a PEM file the process can read)',
    ]);
    expect(problemsOf({ KAFKA_TLS_CA_FILE: ca })).toEqual(['KAFKA_TLS_CA_FILE: set KAFKA_TLS=true as well (the files are only used over TLS)']);
    expect(problemsOf({ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: ca })).toEqual(['KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE: set both (client certificate) or neither']);
  });

  it('takes SASL PLAIN or SCRAM with both credentials, and refuses PLAIN in clear text in production', () => {
    const scram = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'bin-alert', KAFKA_SASL_PASSWORD: 's3cret' };
    expect(loadConfig(scram)).toMatchObject(scram);
    expect(problemsOf({ ...scram, KAFKA_SASL_MECHANISM: 'gssapi' })).toEqual(['KAFKA_SASL_MECHANISM: must be plain, scram-sha-256 or scram-sha-512']);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'bin-alert' })).toEqual([
      'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: set all three (SASL) or none',
    ]);
    const production = { ...PRODUCTION, ...scram, KAFKA_SASL_MECHANISM: 'plain' };
    expect(problemsOf(production)).toEqual(['KAFKA_SASL_MECHANISM: plain sends the password in clear text; set KAFKA_TLS=true in production']);
    expect(problemsOf({ ...production, KAFKA_TLS: 'true' })).toEqual([]);
  });

  it('takes partitions per topic family, at least one each', () => {
    expect(loadConfig({ KAFKA_PARTITIONS_JOBS_URGENT: '12', KAFKA_PARTITIONS_JOBS_NORMAL: '24', KAFKA_PARTITIONS_ALERTS: '6' })).toMatchObject({
      KAFKA_PARTITIONS_JOBS_URGENT: 12,
      KAFKA_PARTITIONS_JOBS_NORMAL: 24,
      KAFKA_PARTITIONS_ALERTS: 6,
    });
    expect(loadConfig({ KAFKA_PARTITIONS_JOBS_NORMAL: '3' }).KAFKA_PARTITIONS_JOBS_NORMAL).toBe(3);
    expect(problemsOf({ KAFKA_PARTITIONS_JOBS_NORMAL: '0', KAFKA_PARTITIONS_DEAD_LETTERS: '0' })).toEqual([
      'KAFKA_PARTITIONS_JOBS_NORMAL: Number must be greater than or equal to 1',
      'KAFKA_PARTITIONS_DEAD_LETTERS: Number must be greater than or equal to 1',
    ]);
  });

  it('keeps min.insync.replicas within the replication factor', () => {
    expect(loadConfig({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toMatchObject({ KAFKA_REPLICATION_FACTOR: 3, KAFKA_MIN_INSYNC_REPLICAS: 2 });
    expect(problemsOf({ KAFKA_MIN_INSYNC_REPLICAS: '2' })).toEqual([
      'KAFKA_MIN_INSYNC_REPLICAS: 2 exceeds KAFKA_REPLICATION_FACTOR 1 (every write with acks=all would be refused)',
    ]);
  });

  it('takes an ops port (0: any free one) and a drain deadline', () => {
    expect(loadConfig({ OPS_PORT: '9464', DRAIN_DEADLINE_SECONDS: '45' })).toMatchObject({ OPS_PORT: 9464, DRAIN_DEADLINE_SECONDS: 45 });
    expect(loadConfig({ OPS_PORT: '0' }).OPS_PORT).toBe(0);
    expect(loadConfig({ OPS_PORT: ' ' }).OPS_PORT).toBeUndefined();
    expect(problemsOf({ OPS_PORT: '70000', DRAIN_DEADLINE_SECONDS: '0' })).toEqual([
      'OPS_PORT: Number must be less than or equal to 65535',
      'DRAIN_DEADLINE_SECONDS: Number must be greater than 0',
    ]);
  });
});

describe('security posture in production (docs/reliability.md, "Security posture")', () => {
  it('loads a production environment that sets an ops port and https origins', () => {
    expect(loadConfig(PRODUCTION)).toMatchObject({
      NODE_ENV: 'production',
      OPS_PORT: 9464,
      MEMBER_LINKS_BASE_URL: 'https://bin.example',
      TRACKER_PUBLIC_URL: 'https://hooks.bin.example',
    });
  });

  it('refuses production without an ops port: /metrics and health never on the public port', () => {
    const { OPS_PORT: _, ...withoutOpsPort } = PRODUCTION;
    expect(problemsOf(withoutOpsPort)).toEqual([
      'OPS_PORT: required in production: /metrics and the health endpoints are served on it and never on the public port (e.g. 9464; point the probes and Prometheus at it)',
    ]);
    expect(loadConfig({ ...withoutOpsPort, NODE_ENV: 'development' }).OPS_PORT).toBeUndefined();
  });

  it('refuses an ops port that is also an app port, anywhere', () => {
    expect(problemsOf({ OPS_PORT: '3104' })).toEqual(['OPS_PORT: 3104 is also TRACKER_PORT; give the ops endpoints a port of their own']);
    expect(problemsOf({ OPS_PORT: '0', INTAKE_PORT: '0' })).toEqual([]);
  });

  it('refuses plain-http links to members and callbacks from providers in production, and names why', () => {
    expect(problemsOf({ ...PRODUCTION, MEMBER_LINKS_BASE_URL: 'http://bin.example', TRACKER_PUBLIC_URL: 'http://127.0.0.1:3104' })).toEqual([
      'MEMBER_LINKS_BASE_URL: must be an https origin in production (members are e-mailed signed links to it; over plain http anyone on the way can read and use them); got http://bin.example',
      'TRACKER_PUBLIC_URL: must be an https origin in production (providers post delivery reports with phone numbers and e-mail addresses to it); got http://127.0.0.1:3104',
    ]);
    // The defaults are loopback http: production has to name its public origins.
    const { MEMBER_LINKS_BASE_URL: _links, TRACKER_PUBLIC_URL: _tracker, ...defaults } = PRODUCTION;
    expect(problemsOf(defaults).map((p) => p.split(':')[0])).toEqual(['MEMBER_LINKS_BASE_URL', 'TRACKER_PUBLIC_URL']);
  });

  it('takes loopback and other http origins outside production, never a scheme other than http(s) or a query', () => {
    expect(loadConfig({ MEMBER_LINKS_BASE_URL: 'http://127.0.0.1:3000/' }).MEMBER_LINKS_BASE_URL).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ NODE_ENV: 'test', MEMBER_LINKS_BASE_URL: 'http://localhost:3000' }).MEMBER_LINKS_BASE_URL).toBe('http://localhost:3000');
    expect(problemsOf({ MEMBER_LINKS_BASE_URL: 'javascript://bin.example' })).toEqual(['MEMBER_LINKS_BASE_URL: must be an http(s) origin, optionally with a path, without query']);
    expect(problemsOf({ MEMBER_LINKS_BASE_URL: 'https://bin.example/?ref=mail' })).toEqual([
      'MEMBER_LINKS_BASE_URL: must be an http(s) origin, optionally with a path, without query',
    ]);
  });

  it('counts applications per address and, over all addresses, against an hourly ceiling', () => {
    expect(loadConfig({})).toMatchObject({ APPLICATIONS_PER_IP_PER_HOUR: 5, APPLICATIONS_PER_HOUR: 300 });
    expect(problemsOf({ APPLICATIONS_PER_HOUR: '0' })).toEqual(['APPLICATIONS_PER_HOUR: Number must be greater than 0']);
  });
});
