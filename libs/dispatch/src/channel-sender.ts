import type { AlertContent, Channel } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';

/** Sends one page of claimed deliveries on one channel and says what became of each. */
export interface ChannelSender {
  readonly channel: Channel;
  send(deliveries: ClaimedDelivery[], content: AlertContent): Promise<DeliveryOutcome[]>;
}

export const CHANNEL_SENDER = Symbol('CHANNEL_SENDER');
