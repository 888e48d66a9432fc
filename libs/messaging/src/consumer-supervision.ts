import { Logger } from '@nestjs/common';

/**
 * What a process does with a consumer that crashed: restart it with a growing delay, and once it
 * has been down for `giveUpAfterMs` despite the restarts, call `giveUp`. A consumer that crashed
 * and stayed dead while the app answered ready lost every status of a chaos run (docs/reliability.md,
 * finding 2): a restart fixes what was transient, and giving up lets a process supervisor start a
 * fresh process for what was not.
 */
export interface ConsumerSupervisionPolicy {
  /** Delay before the first restart; each failed restart doubles it up to `maxRestartDelayMs`. */
  initialRestartDelayMs: number;
  maxRestartDelayMs: number;
  /** How long a consumer may stay down (crashed, restarts failing) before `giveUp` is called. */
  giveUpAfterMs: number;
  /**
   * Called once when a consumer has been down for `giveUpAfterMs`. Apps install
   * `exitProcessWhenAConsumerGivesUp` in their main(); the default only logs, so that a test
   * process (which starts apps in-process) is never ended by it: the consumer then stays down
   * and readiness keeps saying so.
   */
  giveUp(groupId: string, error: unknown): void;
}

export type ConsumerGiveUp = ConsumerSupervisionPolicy['giveUp'];

const logger = new Logger('consumer-supervision');

let processGiveUp: ConsumerGiveUp = (groupId, error) =>
  logger.error({ msg: 'consumer could not be restarted: it stays down and readiness reports it', group: groupId, error: String(error) });

/**
 * Installed by each app's main(): a consumer that cannot be restarted ends the process with
 * code 1, so that its supervisor (systemd, Docker's restart policy, Kubernetes) starts a fresh
 * one. Never installed in a test process.
 */
export function exitProcessWhenAConsumerGivesUp(exit: (code: number) => void = (code) => process.exit(code)): void {
  processGiveUp = (groupId, error) => {
    logger.error({ msg: 'consumer could not be restarted: exiting so that the process is started again', group: groupId, error: String(error) });
    exit(1);
  };
}

export const DEFAULT_CONSUMER_SUPERVISION: ConsumerSupervisionPolicy = {
  initialRestartDelayMs: 1_000,
  maxRestartDelayMs: 30_000,
  // Longer than a broker restart or a leader election, short enough that a process stuck on a
  // lost coordinator is replaced before its backlog matters.
  giveUpAfterMs: 5 * 60_000,
  giveUp: (groupId, error) => processGiveUp(groupId, error),
};

/** How one consumer is doing, for readiness. */
export interface ConsumerHealth {
  groupId: string;
  state: 'starting' | 'up' | 'down' | 'given-up' | 'stopped';
  /** Since when it is down (ms since the epoch), and why. */
  downSince?: number;
  error?: string;
}

/** One started consumer, as its driver made it: how to stop it. */
export interface ConsumerAttempt {
  stop(): Promise<void>;
}

/**
 * Starts one consumer (`attempt`, given the crash callback it must call when the running
 * consumer crashes) and keeps it running: a failed start or a crash schedules the next attempt
 * after the policy's backoff, on one timer. `start()` resolves when the consumer first runs, so
 * that an app starts consuming before it answers; it rejects if the policy gives up first.
 */
export class ConsumerSupervisor {
  private stateNow: ConsumerHealth['state'] = 'starting';
  private current: ConsumerAttempt | null = null;
  private generation = 0;
  private failures = 0;
  private downSince: number | undefined;
  private lastError: unknown;
  private timer: NodeJS.Timeout | null = null;
  private firstStart: { resolve: () => void; reject: (error: unknown) => void } | null = null;

  constructor(
    readonly groupId: string,
    private readonly attempt: (onCrash: (error: unknown) => void) => Promise<ConsumerAttempt>,
    private readonly policy: ConsumerSupervisionPolicy = DEFAULT_CONSUMER_SUPERVISION,
    private readonly log: Logger = logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.firstStart = { resolve, reject };
      void this.run();
    });
  }

  health(): ConsumerHealth {
    const { groupId, stateNow: state } = this;
    if (state === 'down' || state === 'given-up') return { groupId, state, downSince: this.downSince, error: String(this.lastError) };
    return { groupId, state };
  }

  async stop(): Promise<void> {
    this.stateNow = 'stopped';
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const current = this.current;
    this.current = null;
    this.firstStart?.reject(new Error(`consumer ${this.groupId} stopped before it started`));
    this.firstStart = null;
    await current?.stop();
  }

  private async run(): Promise<void> {
    const generation = ++this.generation;
    // A crash reported by an earlier attempt (or after stop) is not this one's.
    const onCrash = (error: unknown) => {
      if (generation === this.generation) this.failed(error, 'consumer crashed');
    };
    try {
      const started = await this.attempt(onCrash);
      if (generation !== this.generation) {
        // Stopped, or crashed during its own start (the crash is being handled): not running.
        if (this.stateNow === 'stopped') await started.stop().catch(() => undefined);
        return;
      }
      this.current = started;
      if (this.stateNow === 'down') this.log.log({ msg: 'consumer restarted', group: this.groupId, restarts: this.failures, downMs: this.now() - (this.downSince ?? this.now()) });
      this.stateNow = 'up';
      this.failures = 0;
      this.downSince = undefined;
      this.firstStart?.resolve();
      this.firstStart = null;
    } catch (error) {
      if (generation === this.generation) this.failed(error, 'consumer did not start');
    }
  }

  private failed(error: unknown, what: string): void {
    if (this.stateNow === 'stopped' || this.stateNow === 'given-up') return;
    this.generation++;
    const previous = this.current;
    this.current = null;
    void previous?.stop().catch(() => undefined);
    const now = this.now();
    this.downSince ??= now;
    this.lastError = error;
    this.stateNow = 'down';
    if (now - this.downSince >= this.policy.giveUpAfterMs) {
      this.stateNow = 'given-up';
      this.log.error({ msg: `${what}: giving up`, group: this.groupId, downMs: now - this.downSince, restarts: this.failures, error: String(error) });
      this.firstStart?.reject(error);
      this.firstStart = null;
      this.policy.giveUp(this.groupId, error);
      return;
    }
    const delayMs = Math.min(this.policy.maxRestartDelayMs, this.policy.initialRestartDelayMs * 2 ** this.failures);
    this.failures++;
    this.log.warn({ msg: `${what}: restarting it`, group: this.groupId, delayMs, restarts: this.failures, downMs: now - this.downSince, error: String(error) });
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
  }
}
