import type { ProviderSettings } from '@bin-alert/providers';
import { SimChannel, SimMessage } from '../inbox/sim-message';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { RunningProviderSim, startProviderSim } from '../start-provider-sim';

export const SIM_FROM_NUMBER = '+32460200100';

/** An in-process simulator plus the settings that point the real adapters at it. */
export interface SimFixture {
  sim: RunningProviderSim;
  settings: ProviderSettings;
  inbox(to: string): Promise<SimMessage[]>;
  messages(channel?: SimChannel): Promise<SimMessage[]>;
  clear(): Promise<void>;
}

export async function startSimFixture(): Promise<SimFixture> {
  const sim = await startProviderSim({ port: 0, logger: false });
  const settings = settingsFor(sim.url);
  return {
    sim,
    settings,
    inbox: async (to) => (await getJson<{ messages: SimMessage[] }>(`${sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`)).messages,
    messages: async (channel) =>
      (await getJson<{ messages: SimMessage[] }>(`${sim.url}/__sim/messages${channel ? `?channel=${channel}` : ''}`)).messages,
    clear: async () => {
      const response = await fetch(`${sim.url}/__sim/messages`, { method: 'DELETE' });
      if (response.status !== 204) throw new Error(`DELETE /__sim/messages answered ${response.status}`);
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
