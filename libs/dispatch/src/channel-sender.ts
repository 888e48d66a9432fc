import type { AlertContent, Channel } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import type { LeaseFence } from './lease-fence';

/**
 * Sends one page of claimed deliveries on one channel and says what became of each. The provider
 * is called only for deliveries `fence` admits right before the call; a delivery taken over
 * meanwhile gets no outcome (its new holder records one).
 */
export interface ChannelSender {
  readonly channel: Channel;
  /**
   * Whether the claim admits the chunk's calls (ADR 0043): true where the provider can be asked
   * whether an earlier call went out (Twilio), so a claim that no call followed costs a lookup
   * by the next holder at worst. SendGrid cannot be asked: e-mail is admitted right before its
   * request, as a take-over in doubt parks it.
   */
  readonly admitsOnClaim: boolean;
  send(deliveries: ClaimedDelivery[], content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[]>;
}

export const CHANNEL_SENDER = Symbol('CHANNEL_SENDER');
