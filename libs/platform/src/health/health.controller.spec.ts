import { checkReadiness } from './health.controller';

describe('checkReadiness', () => {
  it('is ok when every check answers', async () => {
    const report = await checkReadiness([
      { name: 'postgres', check: async () => undefined },
      { name: 'redis', check: async () => undefined },
    ]);
    expect(report).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('is down naming the failing check and why, and the one that hangs past the timeout', async () => {
    const report = await checkReadiness(
      [
        { name: 'postgres', check: async () => undefined },
        { name: 'redis', check: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390')) },
        { name: 'kafka', check: () => new Promise<void>(() => undefined) },
      ],
      50,
    );
    expect(report).toEqual({
      status: 'down',
      checks: { postgres: 'ok', redis: 'down: connect ECONNREFUSED 127.0.0.1:6390', kafka: 'down: kafka check timed out after 50 ms' },
    });
  });

  it('is ok with no checks (an app that depends on nothing)', async () => {
    expect(await checkReadiness([])).toEqual({ status: 'ok', checks: {} });
  });
});
