import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

/** Something that takes work in (a consumer group, a poller) and can stop doing so. */
interface DrainParticipant {
  name: string;
  stop(): Promise<void>;
}

export interface DrainOutcome {
  /** Every participant stopped, its work in flight done, within the deadline. */
  finished: boolean;
  elapsedMs: number;
  /** The participants still stopping when the deadline passed. */
  unfinished: string[];
}

/**
 * The order of a graceful stop (ADR 0017): readiness answers 503 from the first moment, so that
 * no load balancer or autoscaler counts on the instance any more; then every participant stops
 * taking work at the same time, each finishing what it already holds, within one deadline.
 */
@Injectable()
export class DrainCoordinator implements OnApplicationShutdown {
  private readonly logger = new Logger('drain');
  private readonly participants: DrainParticipant[] = [];
  private started: Promise<DrainOutcome> | null = null;
  private readonly closers: Array<() => Promise<void> | void> = [];

  /** What must go with the app however it is closed (signal handlers, the ops server). */
  onClose(close: () => Promise<void> | void): void {
    this.closers.push(close);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.closers.splice(0).map((c) => c()));
  }

  get draining(): boolean {
    return this.started !== null;
  }

  onDrain(name: string, stop: () => Promise<void>): void {
    this.participants.push({ name, stop });
  }

  /** Idempotent: a second signal waits for the same drain. */
  drain(deadlineMs: number): Promise<DrainOutcome> {
    this.started ??= this.run(deadlineMs);
    return this.started;
  }

  private async run(deadlineMs: number): Promise<DrainOutcome> {
    const startedAt = Date.now();
    const pending = new Set(this.participants.map((p) => p.name));
    this.logger.log({ msg: 'draining: not ready any more, consumers stopping', participants: [...pending], deadlineMs });
    const all = Promise.all(
      this.participants.map(async (p) => {
        try {
          await p.stop();
        } catch (error) {
          this.logger.warn({ msg: 'a participant failed to stop cleanly', participant: p.name, error: String(error) });
        }
        pending.delete(p.name);
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([all, deadline]);
    clearTimeout(timer);
    return { finished: pending.size === 0, elapsedMs: Date.now() - startedAt, unfinished: [...pending] };
  }
}
