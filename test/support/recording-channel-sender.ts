import type { AlertContent } from '@bin-alert/domain';
import type { ClaimedDelivery, DeliveryOutcome } from '@bin-alert/persistence';
import type { ChannelSender } from '../../libs/dispatch/src/channel-sender';

/** An SMS sender that records what it was asked to send and has the provider accept everything. */
export class RecordingChannelSender implements ChannelSender {
  readonly channel = 'sms' as const;
  readonly admitsOnClaim = false;
  readonly sent: string[] = [];
  async send(deliveries: ClaimedDelivery[], _content: AlertContent): Promise<DeliveryOutcome[]> {
    this.sent.push(...deliveries.map((d) => d.id));
    return deliveries.map((d) => ({ id: d.id, status: 'accepted', providerId: `SM${d.id.replace(/-/g, '')}` }));
  }
}
