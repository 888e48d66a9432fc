import { Controller, Get, Inject } from '@nestjs/common';
import { OpsStatus } from '@bin-alert/domain';
import { InspectableBus, MESSAGE_BUS } from '@bin-alert/messaging';
import { ApiDoc, Roles, STORES, Stores, readRateLimitBuckets } from '@bin-alert/platform';
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
    @Inject(MESSAGE_BUS) private readonly bus: InspectableBus,
    @Inject(STORES) private readonly stores: Stores,
  ) {}

  @Get()
  @ApiDoc(DASHBOARD_DOCS.ops)
  async status(): Promise<OpsStatus> {
    // Kafka's groups in distributed mode, the in-process bus's in standalone mode.
    const bus = await this.bus.inspect();
    return { ...bus, rateLimits: await readRateLimitBuckets(this.stores.buckets), readAt: new Date().toISOString() };
  }
}
