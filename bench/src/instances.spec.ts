import { INSTANCE_PORT_STEP, InstanceShares, dispatcherInstanceSpecs, instanceName, sharesLine } from './instances';

describe('dispatcher instances of the benchmark and the chaos suite', () => {
  const dist = (app: string) => `/dist/apps/${app}/src/main.js`;
  const ports = { sms: 3101, email: 3102, voice: 3103 };

  it('gives each instance of each dispatcher its own port, ready URL and name', () => {
    const specs = dispatcherInstanceSpecs(dist, ports, 3, { KEEP: 'me' });
    expect(specs.map((s) => s.spec.name)).toEqual(['sms', 'email', 'voice'].flatMap((c) => ['a', 'b', 'c'].map((l) => `dispatcher-${c}-${l}`)));
    const smsC = specs.find((s) => s.spec.name === instanceName('sms', 2))!;
    expect(smsC.spec).toMatchObject({
      port: 3101 + 2 * INSTANCE_PORT_STEP,
      readyUrl: `http://127.0.0.1:${3101 + 2 * INSTANCE_PORT_STEP}/health/ready`,
      entry: dist('dispatcher-sms'),
    });
    expect(smsC.env).toEqual({ KEEP: 'me', DISPATCHER_SMS_PORT: String(3101 + 2 * INSTANCE_PORT_STEP) });
    expect(new Set(specs.map((s) => s.spec.port)).size).toBe(specs.length);
  });

  it('keeps the plain app name for a single instance when asked', () => {
    expect(dispatcherInstanceSpecs(dist, ports, 1, {}, (c) => `dispatcher-${c}`).map((s) => s.spec.name)).toEqual(['dispatcher-sms', 'dispatcher-email', 'dispatcher-voice']);
  });

  it('prints each lane’s shares on one line', () => {
    const shares: InstanceShares = {
      sms: {
        normal: [
          { instance: 'dispatcher-sms-a', accepted: 40, share: 0.4, per_s: 10 },
          { instance: 'dispatcher-sms-b', accepted: 60, share: 0.6, per_s: 15 },
        ],
      },
      email: { normal: [{ instance: 'dispatcher-email', accepted: 10, share: 1, per_s: null }] },
      voice: {},
    };
    expect(sharesLine(shares)).toBe('sms normal a 40% b 60%; email normal one 100%');
  });
});
