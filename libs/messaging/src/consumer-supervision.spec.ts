import { Logger } from '@nestjs/common';
import { ConsumerAttempt, ConsumerSupervisionPolicy, ConsumerSupervisor } from './consumer-supervision';
import { isRetriableKafkaError, retryWhileStarting } from './kafka-message-bus';
import { consumersRunning } from './readiness-checks.provider';

/** kafkajs's error for a group whose coordinator is not known yet (a fresh broker): not retried by kafkajs. */
const coordinatorNotFound = () => Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound', retriable: false });

describe('ConsumerSupervisor: a crashed consumer is restarted, readiness sees it down, and the policy gives up in time', () => {
  let now = 0;
  const logger = new Logger('test');
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    now = 1_000_000;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  const advance = async (ms: number) => {
    now += ms;
    await jest.advanceTimersByTimeAsync(ms);
  };

  /** A driver whose attempts succeed or fail as told, and whose running consumer can be crashed. */
  function fakeDriver(outcomes: Array<'ok' | Error>) {
    const driver = { attempts: 0, stopped: 0, crash: (_: unknown): void => undefined };
    const attempt = async (onCrash: (error: unknown) => void): Promise<ConsumerAttempt> => {
      const outcome = outcomes[Math.min(driver.attempts, outcomes.length - 1)];
      driver.attempts++;
      if (outcome !== 'ok') throw outcome;
      driver.crash = onCrash;
      return { stop: async () => void driver.stopped++ };
    };
    return { driver, attempt };
  }

  const policy = (giveUp: ConsumerSupervisionPolicy['giveUp']): ConsumerSupervisionPolicy => ({
    initialRestartDelayMs: 1_000,
    maxRestartDelayMs: 4_000,
    giveUpAfterMs: 20_000,
    giveUp,
  });

  it('restarts a consumer that crashed, with a growing delay, and reports it down until it runs again', async () => {
    const giveUp = jest.fn();
    const { driver, attempt } = fakeDriver(['ok', coordinatorNotFound(), coordinatorNotFound(), 'ok']);
    const supervisor = new ConsumerSupervisor('tracker-projection', attempt, policy(giveUp), logger, () => now);
    const readiness = consumersRunning({ consumerHealth: () => [supervisor.health()] }, () => now);
    await supervisor.start();
    expect(supervisor.health().state).toBe('up');
    await expect(readiness.check()).resolves.toBeUndefined();

    driver.crash(coordinatorNotFound());
    expect(driver.stopped).toBe(1);
    expect(supervisor.health()).toMatchObject({ state: 'down', downSince: now, error: expect.stringContaining('Failed to find group coordinator') });
    await expect(readiness.check()).rejects.toThrow(/tracker-projection down for 0 s \(KafkaJSGroupCoordinatorNotFound/);

    await advance(999);
    expect(driver.attempts).toBe(1);
    await advance(1); // 1 s: the first restart fails
    expect(driver.attempts).toBe(2);
    await advance(2_000); // 2 s: the second fails too
    expect(driver.attempts).toBe(3);
    await expect(readiness.check()).rejects.toThrow(/down for 3 s/);
    await advance(4_000); // 4 s: runs again
    expect(driver.attempts).toBe(4);
    expect(supervisor.health().state).toBe('up');
    await expect(readiness.check()).resolves.toBeUndefined();
    expect(giveUp).not.toHaveBeenCalled();

    // Running again resets the backoff: the next crash is retried after the first delay.
    driver.crash(coordinatorNotFound());
    await advance(1_000);
    expect(driver.attempts).toBe(5);
    await supervisor.stop();
  });

  it('retries a consumer that does not start, and resolves the start once it runs', async () => {
    const { driver, attempt } = fakeDriver([coordinatorNotFound(), 'ok']);
    const supervisor = new ConsumerSupervisor('dispatcher-sms', attempt, policy(jest.fn()), logger, () => now);
    let started = false;
    const start = supervisor.start().then(() => (started = true));
    await advance(0);
    expect(started).toBe(false);
    expect(supervisor.health().state).toBe('down');
    await advance(1_000);
    await start;
    expect(started).toBe(true);
    expect(driver.attempts).toBe(2);
    await supervisor.stop();
  });

  it('calls the give-up policy once after restarts have failed for giveUpAfterMs, and stops restarting', async () => {
    const giveUp = jest.fn();
    const { driver, attempt } = fakeDriver(['ok', coordinatorNotFound()]);
    const supervisor = new ConsumerSupervisor('tracker-projection', attempt, policy(giveUp), logger, () => now);
    await supervisor.start();
    driver.crash(coordinatorNotFound());
    // Restarts after 1, 2, 4, 4, 4, 4 s (19 s down), then the one at 23 s fails past the 20 s bound.
    await advance(19_000);
    expect(giveUp).not.toHaveBeenCalled();
    await advance(4_000);
    expect(giveUp).toHaveBeenCalledTimes(1);
    expect(giveUp).toHaveBeenCalledWith('tracker-projection', expect.objectContaining({ name: 'KafkaJSGroupCoordinatorNotFound' }));
    expect(supervisor.health().state).toBe('given-up');
    const attempts = driver.attempts;
    await advance(60_000);
    expect(driver.attempts).toBe(attempts);
    expect(giveUp).toHaveBeenCalledTimes(1);
  });

  it('rejects the start when it gives up before the consumer ever ran', async () => {
    const giveUp = jest.fn();
    const { attempt } = fakeDriver([coordinatorNotFound()]);
    const supervisor = new ConsumerSupervisor('dispatcher-email', attempt, policy(giveUp), logger, () => now);
    const start = supervisor.start();
    const outcome = start.then(
      () => 'started',
      (error) => String(error),
    );
    for (let second = 0; second < 30; second++) await advance(1_000);
    expect(await outcome).toContain('Failed to find group coordinator');
    expect(giveUp).toHaveBeenCalledTimes(1);
  });

  it('ignores a crash reported after stop, and restarts nothing', async () => {
    const { driver, attempt } = fakeDriver(['ok']);
    const supervisor = new ConsumerSupervisor('tracker-projection', attempt, policy(jest.fn()), logger, () => now);
    await supervisor.start();
    await supervisor.stop();
    driver.crash(coordinatorNotFound());
    await advance(10_000);
    expect(driver.attempts).toBe(1);
    expect(supervisor.health().state).toBe('stopped');
  });
});

describe('start-up requests the broker may get over are retried (a fresh three-broker cluster)', () => {
  const logger = new Logger('test');
  const notHosted = () =>
    Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
  const outOfRetries = (cause: Error) => Object.assign(new Error(cause.message), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause });

  it('recognises a retriable broker answer, also as the cause of running out of retries, but not an unreachable broker', () => {
    expect(isRetriableKafkaError(notHosted())).toBe(true);
    expect(isRetriableKafkaError(outOfRetries(notHosted()))).toBe(true);
    expect(isRetriableKafkaError(outOfRetries(Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true })))).toBe(false);
    expect(isRetriableKafkaError(Object.assign(new Error('Topic with this name already exists'), { name: 'KafkaJSProtocolError', retriable: false }))).toBe(false);
    expect(isRetriableKafkaError(new Error('boom'))).toBe(false);
  });

  it('tries again until the work succeeds, within the budget', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const result = await retryWhileStarting(
      'topics',
      async () => {
        if (++calls < 4) throw outOfRetries(notHosted());
        return 'created';
      },
      60_000,
      logger,
      async (ms) => void sleeps.push(ms),
    );
    expect(result).toBe('created');
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('fails at once on an error no retry fixes', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw new Error('invalid replication factor');
    };
    await expect(retryWhileStarting('topics', work, 60_000, logger, async () => undefined)).rejects.toThrow('invalid replication factor');
    expect(calls).toBe(1);
  });
});
