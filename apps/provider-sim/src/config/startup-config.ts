import { SimRequestError } from '../sim-request.error';
import { DEFAULT_SIM_CONFIG, SimConfig } from './sim-config';
import { simConfigPatchFromEnv } from './sim-config.env';
import { applyPatch } from './sim-config.store';

/**
 * Defaults, then the SIM_* environment, then the options the simulator was started with. A bad
 * value stops the start with the field named, rather than running with a config nobody asked for.
 */
export function resolveStartupConfig(options: unknown, env: NodeJS.ProcessEnv): SimConfig {
  try {
    const fromEnv = applyPatch(DEFAULT_SIM_CONFIG, simConfigPatchFromEnv(env));
    return options === undefined ? fromEnv : applyPatch(fromEnv, options);
  } catch (error: unknown) {
    if (error instanceof SimRequestError) throw new Error(`invalid provider simulator config: ${error.describe()}`);
    throw error;
  }
}
