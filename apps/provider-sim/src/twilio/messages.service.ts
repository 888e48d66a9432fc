import { Injectable, Logger } from '@nestjs/common';
import { MessageStore } from '../inbox/message-store';
import { SimMessage } from '../inbox/sim-message';
import { checkPhoneNumber } from './phone-number';
import { countSmsSegments } from './sms-segments';
import { twilioErrors } from './twilio-api.error';
import { TwilioForm } from './twilio-form';
import { accountPath, rfc2822, TWILIO_API_VERSION, twilioSid } from './twilio-resource-format';

const MAX_BODY_CHARACTERS = 1600;

/** POST …/Messages.json: Twilio's synchronous checks, then the message is queued (recorded). */
@Injectable()
export class TwilioMessagesService {
  private readonly logger = new Logger('TwilioMessages');

  constructor(private readonly store: MessageStore) {}

  create(accountSid: string, form: TwilioForm): Record<string, unknown> {
    const to = form.text('To');
    if (to === undefined) throw twilioErrors.toRequired();
    const from = form.text('From');
    const messagingServiceSid = form.text('MessagingServiceSid');
    if (from === undefined && messagingServiceSid === undefined) throw twilioErrors.fromRequired();
    const body = form.text('Body');
    if (body === undefined && form.all('MediaUrl').length === 0) throw twilioErrors.bodyRequired();
    if (body !== undefined && body.length > MAX_BODY_CHARACTERS) throw twilioErrors.bodyTooLong();
    const number = checkPhoneNumber(to);
    if (!number.valid) throw twilioErrors.invalidTo(to);
    if (!number.mayReceiveSms) throw twilioErrors.notMobile(to);

    const now = new Date();
    const { encoding, segments } = countSmsSegments(body ?? '');
    const message: SimMessage = {
      id: twilioSid('SM'),
      channel: 'sms',
      to,
      from: from ?? messagingServiceSid ?? '',
      receivedAt: now.toISOString(),
      body: body ?? '',
      segments,
      encoding,
      validityPeriodSeconds: form.integer('ValidityPeriod'),
      statusCallback: form.text('StatusCallback'),
    };
    this.store.record(message);
    this.logger.log({ msg: 'sms accepted', id: message.id, segments, encoding });

    const uri = `${accountPath(accountSid)}/Messages/${message.id}`;
    return {
      sid: message.id,
      account_sid: accountSid,
      // With a Messaging Service Twilio first answers "accepted" and picks the sender later.
      status: messagingServiceSid !== undefined ? 'accepted' : 'queued',
      to,
      from: from ?? null,
      messaging_service_sid: messagingServiceSid ?? null,
      body: message.body,
      num_segments: String(segments),
      num_media: String(form.all('MediaUrl').length),
      direction: 'outbound-api',
      api_version: TWILIO_API_VERSION,
      price: null,
      price_unit: 'USD',
      error_code: null,
      error_message: null,
      date_created: rfc2822(now),
      date_updated: rfc2822(now),
      date_sent: null,
      uri: `${uri}.json`,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    };
  }
}
