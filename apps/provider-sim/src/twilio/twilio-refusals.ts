import { Injectable } from '@nestjs/common';
import { MessageStore } from '../inbox/message-store';
import { SimChannel, SimMessage } from '../inbox/sim-message';
import { SimStats } from '../stats/sim-stats';
import { TwilioApiError } from './twilio-api.error';

/** The request as far as it was read before being refused. */
export type RefusedRequest = Pick<SimMessage, 'to' | 'from'> & Partial<Omit<SimMessage, 'statuses'>>;

/**
 * Counts every synchronous refusal by its Twilio code and, when it names a recipient, keeps it
 * (with `rejectedWith`, and an empty id: Twilio created no resource) so that "why did X get
 * nothing?" can be answered from the simulator too.
 */
@Injectable()
export class TwilioRefusals {
  constructor(
    private readonly store: MessageStore,
    private readonly stats: SimStats,
  ) {}

  note(channel: SimChannel, error: unknown, request: Partial<RefusedRequest>): void {
    if (!(error instanceof TwilioApiError)) return;
    const { code, message } = error.getResponse() as { code: number; message: string };
    this.stats.rejected(channel, code);
    if (request.to === undefined) return;
    this.store.record({
      ...request,
      id: '',
      channel,
      to: request.to,
      from: request.from ?? '',
      receivedAt: new Date().toISOString(),
      rejectedWith: { status: error.getStatus(), code, message },
    });
  }
}
