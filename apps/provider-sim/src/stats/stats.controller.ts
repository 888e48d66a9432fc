import { Controller, Get } from '@nestjs/common';
import { SimScheduler } from '../timing/sim-scheduler';
import { SimStats, SimStatsSnapshot } from './sim-stats';

@Controller('__sim')
export class StatsController {
  constructor(
    private readonly stats: SimStats,
    private readonly scheduler: SimScheduler,
  ) {}

  /** Counts per channel since the last reset; `pendingCallbacks` 0 means every callback has been tried. */
  @Get('stats')
  snapshot(): SimStatsSnapshot {
    return this.stats.snapshot(this.scheduler.pending);
  }
}
