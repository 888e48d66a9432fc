import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { retentionCutoff } from '@bin-alert/domain';
import { RetentionRepository, RetentionSweep } from '@bin-alert/persistence';
import { APP_CONFIG, AppConfig, PollingLoop } from '@bin-alert/platform';

/** Rows per statement: small enough that a first sweep over years of rows never stalls the senders. */
const RETENTION_BATCH = 1000;

/**
 * Every RETENTION_SWEEP_MS, pseudonymises or deletes what is older than RETENTION_DAYS (ADR
 * 0030): the end of what the members' data may be kept for, next to their resignation and
 * erasure. Intake provides it because every deployment runs intake; an advisory lock lets one
 * instance sweep at a time, and the others skip the round.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('retention');
  private readonly loop: PollingLoop;

  constructor(
    private readonly retention: RetentionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.loop = new PollingLoop(config.RETENTION_SWEEP_MS, () => this.sweep().catch((error) => this.logger.error({ msg: 'retention sweep failed', error: String(error) })));
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  async sweep(now = new Date()): Promise<RetentionSweep | null> {
    const cutoff = retentionCutoff(now, this.config.RETENTION_DAYS);
    const done = await this.retention.sweep(cutoff, RETENTION_BATCH);
    if (done && Object.values(done).some((n) => n > 0)) this.logger.log({ msg: 'retention sweep', cutoff: cutoff.toISOString(), ...done });
    return done;
  }
}
