import { Controller, Get, Inject } from '@nestjs/common';
import type Redis from 'ioredis';
import { TOPICS } from '@bin-alert/contracts';
import { readRateLimitBuckets } from '@bin-alert/dispatch';
import { consumerGroupLags, topicRecordCount, withKafkaAdmin } from '@bin-alert/messaging';
import { APP_CONFIG, ApiDoc, AppConfig, REDIS, Roles } from '@bin-alert/platform';
import { DASHBOARD_DOCS } from './dashboard.docs';

/**
 * The ops page: how far each consumer group is behind, what waits in the dead letters, and the
 * state of the shared provider rate limits. Read on demand (the page asks every few seconds);
 * nothing here is kept or cached.
 */
@Controller('v1/ops')
@Roles('supervisor', 'admin')
export class OpsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @ApiDoc(DASHBOARD_DOCS.ops)
  async status() {
    const kafka = await withKafkaAdmin(
      this.config.KAFKA_BROKERS,
      async (admin) => ({
        consumerGroups: await consumerGroupLags(admin),
        deadLetters: { topic: TOPICS.deadLetters, records: await topicRecordCount(admin, TOPICS.deadLetters) },
      }),
      `${this.config.KAFKA_CLIENT_ID}-ops`,
    );
    return { ...kafka, rateLimits: await readRateLimitBuckets(this.redis), readAt: new Date().toISOString() };
  }
}
