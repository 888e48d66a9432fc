import type { Channel } from '@bin-alert/domain';
import { AppMetrics, Attributes, SpanKind, TRACE_ATTRIBUTES, inSpan } from '@bin-alert/platform';
import { EmailSender, ProviderError, SmsSender, VoiceCaller } from '@bin-alert/providers';

export type ProviderCallOutcome = 'accepted' | 'refused' | 'retryable_error' | 'unexpected_error';

/** What a provider call's failure means for the operator: refused for good, worth retrying, or a bug. */
export function providerCallOutcome(error: unknown): ProviderCallOutcome {
  if (!(error instanceof ProviderError)) return 'unexpected_error';
  return error.kind === 'retryable' ? 'retryable_error' : 'refused';
}

/** The provider's operation behind each channel's send: the client span's name. */
const PROVIDER_OPERATION: Record<Channel, string> = { sms: 'twilio messages.create', voice: 'twilio calls.create', email: 'sendgrid mail.send' };

/**
 * Counts and times one provider call (the call alone: rate-limit waits are measured apart), in a
 * client span of the job's trace (ADR 0020): the SDKs are not instrumented, this is their seam.
 */
export async function measureProviderCall<T>(metrics: AppMetrics, channel: Channel, call: () => Promise<T>, attributes: Attributes = {}): Promise<T> {
  return inSpan(PROVIDER_OPERATION[channel], { kind: SpanKind.CLIENT, attributes: { [TRACE_ATTRIBUTES.channel]: channel, ...attributes } }, async (span) => {
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
      span.setAttribute('bin.provider_call.outcome', outcome);
    }
  });
}

/** The provider ports with every sending call measured; in-doubt lookups are not sends and stay as they are. */
export const measuredProviders = {
  sms: (sms: SmsSender, metrics: AppMetrics): SmsSender => ({
    send: (message) => measureProviderCall(metrics, 'sms', () => sms.send(message), { [TRACE_ATTRIBUTES.deliveryId]: message.deliveryId }),
    listSent: (lookup) => sms.listSent(lookup),
  }),
  voice: (voice: VoiceCaller, metrics: AppMetrics): VoiceCaller => ({
    call: (call) => measureProviderCall(metrics, 'voice', () => voice.call(call), { [TRACE_ATTRIBUTES.deliveryId]: call.deliveryId }),
    listPlaced: (lookup) => voice.listPlaced(lookup),
  }),
  email: (email: EmailSender, metrics: AppMetrics): EmailSender => ({
    sendBatch: (batch) => measureProviderCall(metrics, 'email', () => email.sendBatch(batch), { [TRACE_ATTRIBUTES.recipients]: batch.recipients.length }),
  }),
};
