import type { Channel } from '@bin-alert/domain';
import type { AppMetrics } from '@bin-alert/platform';
import { EmailSender, ProviderError, SmsSender, VoiceCaller } from '@bin-alert/providers';

export type ProviderCallOutcome = 'accepted' | 'refused' | 'retryable_error' | 'unexpected_error';

/** What a provider call's failure means for the operator: refused for good, worth retrying, or a bug. */
export function providerCallOutcome(error: unknown): ProviderCallOutcome {
  if (!(error instanceof ProviderError)) return 'unexpected_error';
  return error.kind === 'retryable' ? 'retryable_error' : 'refused';
}

/** Counts and times one provider call (the call alone: rate-limit waits are measured apart). */
export async function measureProviderCall<T>(metrics: AppMetrics, channel: Channel, call: () => Promise<T>): Promise<T> {
  const stop = metrics.providerCallSeconds.startTimer({ channel });
  let outcome: ProviderCallOutcome = 'accepted';
  try {
    return await call();
  } catch (error) {
    outcome = providerCallOutcome(error);
    throw error;
  } finally {
    stop({ outcome });
    metrics.providerCalls.inc({ channel, outcome });
  }
}

/** The provider ports with every sending call measured; in-doubt lookups are not sends and stay as they are. */
export const measuredProviders = {
  sms: (sms: SmsSender, metrics: AppMetrics): SmsSender => ({
    send: (message) => measureProviderCall(metrics, 'sms', () => sms.send(message)),
    findAccepted: (lookup) => sms.findAccepted(lookup),
  }),
  voice: (voice: VoiceCaller, metrics: AppMetrics): VoiceCaller => ({
    call: (call) => measureProviderCall(metrics, 'voice', () => voice.call(call)),
    findPlaced: (lookup) => voice.findPlaced(lookup),
  }),
  email: (email: EmailSender, metrics: AppMetrics): EmailSender => ({
    sendBatch: (batch) => measureProviderCall(metrics, 'email', () => email.sendBatch(batch)),
  }),
};
