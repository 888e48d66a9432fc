import { Injectable } from '@nestjs/common';
import { SimApi, SimConfig } from './sim-config';
import { SimRequestError } from '../sim-request.error';
import { mergeSimConfig } from './sim-config.merge';
import { parseSimConfigPatch } from './sim-config.patch';

/** The config the process started with (defaults + SIM_* environment + start options). */
export class StartupSimConfig {
  constructor(readonly config: SimConfig) {}
}

/** The effective config. Changes are whole-or-nothing: a patch with one bad field changes nothing. */
@Injectable()
export class SimConfigStore {
  private config: SimConfig;

  constructor(private readonly startup: StartupSimConfig) {
    this.config = startup.config;
  }

  get current(): SimConfig {
    return this.config;
  }

  /** @throws SimRequestError naming every wrong field */
  apply(patch: unknown): SimConfig {
    this.config = applyPatch(this.config, patch);
    return this.config;
  }

  reset(): SimConfig {
    this.config = this.startup.config;
    return this.config;
  }

  /** True when this request of `api` falls in a 429 storm; each call uses up one of its requests. */
  takeBurst(api: SimApi): boolean {
    const burst = this.config.burst429;
    if (burst === null || burst.api !== api) return false;
    const left = burst.count - 1;
    this.config = { ...this.config, burst429: left > 0 ? { api, count: left } : null };
    return true;
  }
}

export function applyPatch(config: SimConfig, patch: unknown): SimConfig {
  const parsed = parseSimConfigPatch(patch);
  if (!parsed.ok) throw new SimRequestError(parsed.problems);
  const merged = mergeSimConfig(config, parsed.patch);
  if (!merged.ok) throw new SimRequestError(merged.problems);
  return merged.config;
}
