import type { DeliveryJob, DeliveryJobV2 } from '@bin-alert/contracts';
import type { Channel } from '@bin-alert/domain';
import type { MessageBus, OutgoingMessage } from '@bin-alert/messaging';

/** A bus that keeps what is published, for tests of an expander alone: it consumes nothing. */
export class RecordingBus implements MessageBus {
  readonly published: OutgoingMessage[] = [];
  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.published.push(...messages);
  }
  async consume(): Promise<never> {
    throw new Error('not in this test');
  }
  async close(): Promise<void> {}
  /** The range jobs published for an alert, on one channel or all. */
  jobs(alertId: string, channel?: Channel): DeliveryJobV2[] {
    return this.published.map((m) => m.value as DeliveryJob).filter((j): j is DeliveryJobV2 => j.version === 2 && j.alertId === alertId && (!channel || j.channel === channel));
  }
}
