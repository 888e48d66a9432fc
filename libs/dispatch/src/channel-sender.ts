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
  send(deliveries: ClaimedDelivery[], content: AlertContent, fence: LeaseFence): Promise<DeliveryOutcome[]>;
}

export const CHANNEL_SENDER = Symbol('CHANNEL_SENDER');
