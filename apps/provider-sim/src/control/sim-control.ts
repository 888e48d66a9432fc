import { Injectable } from '@nestjs/common';
import { SimConfig } from '../config/sim-config';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { SimRandom } from '../random/sim-random';
import { EventWebhookBatcher } from '../sendgrid/event-webhook-batcher';
import { SimStats } from '../stats/sim-stats';
import { SimScheduler } from '../timing/sim-scheduler';
import { TrafficGate } from '../traffic/traffic-gate';
import { OptOutRegistry } from '../twilio/opt-out-registry';
import { RedialMemory } from '../twilio/redial-memory';

/**
 * The simulator's two kinds of state and how each is reset. Runtime state (messages, pending
 * callbacks, opt-outs, redials, stats, rate windows, the PRNG streams) goes with DELETE /__sim/messages;
 * config survives that and only POST /__sim/reset returns it to the startup config.
 */
@Injectable()
export class SimControl {
  constructor(
    private readonly config: SimConfigStore,
    private readonly random: SimRandom,
    private readonly scheduler: SimScheduler,
    private readonly batcher: EventWebhookBatcher,
    private readonly store: MessageStore,
    private readonly optOuts: OptOutRegistry,
    private readonly stats: SimStats,
    private readonly gate: TrafficGate,
    private readonly redials: RedialMemory,
  ) {}

  /** Setting `seed`, even to its current value, starts every random stream again from its first draw. */
  updateConfig(patch: unknown): SimConfig {
    const updated = this.config.apply(patch);
    if (typeof patch === 'object' && patch !== null && 'seed' in patch) this.random.restart();
    return updated;
  }

  clearRuntime(): void {
    // Cancel first, so that no callback still in flight records into the fresh state.
    this.scheduler.cancelAll();
    this.batcher.reset();
    this.store.clear();
    this.optOuts.clear();
    this.redials.clear();
    this.stats.reset();
    this.gate.reset();
    this.random.restart();
  }

  resetAll(): SimConfig {
    this.clearRuntime();
    return this.config.reset();
  }
}
