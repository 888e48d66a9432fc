import type { ProviderSettings } from '@bin-alert/providers';
import { SimConfig } from '../config/sim-config';
import { SimConfigPatch } from '../config/sim-config.patch';
import { SimChannel, SimMessage } from '../inbox/sim-message';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { RunningProviderSim, startProviderSim } from '../start-provider-sim';
import { SimStatsSnapshot } from '../stats/sim-stats';

export const SIM_FROM_NUMBER = '+32460200100';

/** An in-process simulator plus the settings that point the real adapters at it. */
export interface SimFixture {
  sim: RunningProviderSim;
  settings: ProviderSettings;
  inbox(to: string): Promise<SimMessage[]>;
  messages(channel?: SimChannel): Promise<SimMessage[]>;
  /** DELETE /__sim/messages: runtime state only, config stays. */
  clear(): Promise<void>;
  /** PUT /__sim/config. */
  configure(patch: SimConfigPatch): Promise<SimConfig>;
  /** POST /__sim/reset: config too. */
  reset(): Promise<void>;
  stats(): Promise<SimStatsSnapshot>;
  /** Resolves once no callback is pending any more (all sent, given up or cancelled). */
  settled(timeoutMs?: number): Promise<SimStatsSnapshot>;
}

export async function startSimFixture(config?: SimConfigPatch): Promise<SimFixture> {
  const sim = await startProviderSim({ port: 0, logger: false, config });
  const settings = settingsFor(sim.url);
  const stats = (): Promise<SimStatsSnapshot> => getJson<SimStatsSnapshot>(`${sim.url}/__sim/stats`);
  return {
    sim,
    settings,
    inbox: async (to) => (await getJson<{ messages: SimMessage[] }>(`${sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`)).messages,
    messages: async (channel) => (await getJson<{ messages: SimMessage[] }>(`${sim.url}/__sim/messages${channel ? `?channel=${channel}` : ''}`)).messages,
    clear: async () => {
      const response = await fetch(`${sim.url}/__sim/messages`, { method: 'DELETE' });
      if (response.status !== 204) throw new Error(`DELETE /__sim/messages answered ${response.status}`);
    },
    configure: async (patch) => {
      const response = await fetch(`${sim.url}/__sim/config`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(patch),
      });
      if (!response.ok) throw new Error(`PUT /__sim/config answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as SimConfig;
    },
    reset: async () => {
      const response = await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`POST /__sim/reset answered ${response.status}`);
    },
    stats,
    settled: async (timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const snapshot = await stats();
        if (snapshot.pendingCallbacks === 0) return snapshot;
        if (Date.now() > deadline) throw new Error(`callbacks still pending after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5)); // poll interval, not a wait for an outcome
      }
    },
  };
}

export function settingsFor(apiBaseUrl: string): ProviderSettings {
  return {
    twilio: {
      accountSid: DEFAULT_SIM_CREDENTIALS.twilioAccountSid,
      authToken: DEFAULT_SIM_CREDENTIALS.twilioAuthToken,
      fromNumber: SIM_FROM_NUMBER,
      apiBaseUrl,
    },
    twilioSecond: null,
    sendgrid: {
      apiKey: DEFAULT_SIM_CREDENTIALS.sendgridApiKey,
      fromEmail: 'bin@politie-aalst.example',
      fromName: 'BIN Politiezone Aalst',
      apiBaseUrl,
    },
  };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The rejection of `promise`, so that its fields can be asserted on. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
