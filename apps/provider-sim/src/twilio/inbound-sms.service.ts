import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { SimCredentials } from '../sim-credentials';
import { SimScheduler } from '../timing/sim-scheduler';
import { TwilioWebhookFactory } from '../webhooks/twilio-webhook';
import { WebhookSender } from '../webhooks/webhook-sender';
import { InboundSmsRequest } from './inbound-sms.request';
import { OptOutRegistry } from './opt-out-registry';
import { OptOutType, optOutTypeOf } from './opt-out-keywords';
import { countSmsSegments } from './sms-segments';
import { TWILIO_API_VERSION, twilioSid } from './twilio-resource-format';

export interface InboundSmsResult {
  messageSid: string;
  optOutType: OptOutType | null;
  /** Whether `from` is now blocked from receiving SMS sent from `to`. */
  optedOut: boolean;
  /** How the inbound webhook answered (its TwiML reply in `body`); null when no URL is configured. */
  webhook: { url: string; status: number | null; contentType: string | null; body: string | null; error?: string } | null;
}

/**
 * A member's reply reaching Twilio: opt-out keywords are applied first, as Twilio does (it
 * blocks and still forwards the message), then the message is posted, signed, to the
 * configured inbound URL once; Twilio does not retry an inbound webhook.
 */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger('TwilioInboundSms');

  constructor(
    private readonly config: SimConfigStore,
    private readonly credentials: SimCredentials,
    private readonly optOuts: OptOutRegistry,
    private readonly scheduler: SimScheduler,
    private readonly webhooks: TwilioWebhookFactory,
    private readonly sender: WebhookSender,
  ) {}

  async receive(sms: InboundSmsRequest): Promise<InboundSmsResult> {
    const optOutType = optOutTypeOf(sms.body) ?? null;
    if (optOutType === 'STOP') this.optOuts.optOut(sms.from, sms.to);
    if (optOutType === 'START') this.optOuts.optIn(sms.from, sms.to);
    const messageSid = twilioSid('SM');
    const optedOut = this.optOuts.isBlocked(sms.from, sms.to);
    this.logger.log({ msg: 'inbound sms', id: messageSid, optOutType });

    const url = this.config.current.twilioInboundSmsUrl;
    if (url === null) return { messageSid, optOutType, optedOut, webhook: null };
    const params: Record<string, string> = {
      AccountSid: this.credentials.twilioAccountSid,
      ApiVersion: TWILIO_API_VERSION,
      MessageSid: messageSid,
      SmsSid: messageSid,
      SmsMessageSid: messageSid,
      From: sms.from,
      To: sms.to,
      Body: sms.body,
      NumMedia: '0',
      NumSegments: String(countSmsSegments(sms.body).segments),
      SmsStatus: 'received',
      ...(optOutType !== null ? { OptOutType: optOutType } : {}),
    };
    const webhook = this.webhooks.form(
      'inboundSms',
      url,
      () => `inbound sms ${messageSid}`,
      () => params,
    );
    const { reply, error } = await this.sender.deliver(webhook, this.scheduler.current, { retry: false });
    return {
      messageSid,
      optOutType,
      optedOut,
      webhook: { url, status: reply?.status ?? null, contentType: reply?.contentType ?? null, body: reply?.body ?? null, ...(error ? { error } : {}) },
    };
  }
}
