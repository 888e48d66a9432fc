import { Injectable, OnModuleInit } from '@nestjs/common';
import { OutboxRepository } from '@bin-alert/persistence';
import { AppMetrics } from '@bin-alert/platform';

/** Reads the outbox backlog on every scrape: a growing one means Kafka is refusing the relay. */
@Injectable()
export class OutboxBacklogMetrics implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly metrics: AppMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.refreshOnScrape(async () => {
      const { pending, oldestAgeSeconds } = await this.outbox.backlog();
      this.metrics.outboxPending.set(pending);
      this.metrics.outboxOldestPendingSeconds.set(oldestAgeSeconds);
    });
  }
}
