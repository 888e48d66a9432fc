import { Inject, Injectable, Logger } from '@nestjs/common';
import { STORES, Stores } from '@bin-alert/platform';

/** Counter group (a Redis hash in distributed mode) of what the tracker did with the callbacks it received, shared by all instances. */
export const WEBHOOK_STATS_KEY = 'bin:tracker:webhooks';

export type WebhookStat =
  | 'published'
  | 'duplicate'
  | 'unknown_delivery'
  | 'ignored'
  | 'retry_later'
  | 'sms_opt_out'
  | 'sms_opt_in'
  | 'sms_reply_unknown_number'
  | 'voice_answered_by_machine'
  | `refused_${string}`;

/** Counting is best effort: a Redis hiccup must never fail a callback that was handled. */
@Injectable()
export class WebhookStats {
  private readonly logger = new Logger('webhook-stats');

  constructor(@Inject(STORES) private readonly stores: Stores) {}

  async add(counts: Partial<Record<WebhookStat, number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, n]) => n && n > 0) as Array<[string, number]>;
    if (entries.length === 0) return;
    try {
      await this.stores.counters.add(WEBHOOK_STATS_KEY, Object.fromEntries(entries));
    } catch (error) {
      this.logger.warn({ msg: 'could not count webhook stats', error: String(error) });
    }
  }

  async read(): Promise<Record<string, number>> {
    return this.stores.counters.read(WEBHOOK_STATS_KEY);
  }
}
