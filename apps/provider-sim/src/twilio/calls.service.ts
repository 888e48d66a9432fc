import { Injectable, Logger } from '@nestjs/common';
import { MessageStore } from '../inbox/message-store';
import { SimMessage } from '../inbox/sim-message';
import { checkPhoneNumber } from './phone-number';
import { twilioErrors } from './twilio-api.error';
import { TwilioForm } from './twilio-form';
import { accountPath, rfc2822, TWILIO_API_VERSION, twilioSid } from './twilio-resource-format';
import { parseSaidTexts } from './twiml-say.parser';

/**
 * POST …/Calls.json: Twilio's synchronous checks, then the call is queued (recorded). Inline
 * Twiml is "played" at once: what it says is recorded; a Url is kept but never fetched.
 */
@Injectable()
export class TwilioCallsService {
  private readonly logger = new Logger('TwilioCalls');

  constructor(private readonly store: MessageStore) {}

  create(accountSid: string, form: TwilioForm): Record<string, unknown> {
    const to = form.text('To');
    if (to === undefined) throw twilioErrors.callToRequired();
    const from = form.text('From');
    if (from === undefined) throw twilioErrors.callFromRequired();
    const number = checkPhoneNumber(to);
    if (!number.valid) throw twilioErrors.invalidCallTo(to);
    const url = form.text('Url');
    // Twilio ignores Twiml when a Url is given.
    const twiml = url === undefined ? form.text('Twiml') : undefined;
    if (url === undefined && twiml === undefined && form.text('ApplicationSid') === undefined) {
      throw twilioErrors.callInstructionsRequired();
    }

    const now = new Date();
    const call: SimMessage = {
      id: twilioSid('CA'),
      channel: 'voice',
      to,
      from,
      receivedAt: now.toISOString(),
      twiml,
      url,
      said: twiml !== undefined ? parseSaidTexts(twiml) : [],
      statusCallback: form.text('StatusCallback'),
      statusCallbackEvents: form.all('StatusCallbackEvent'),
    };
    this.store.record(call);
    this.logger.log({ msg: 'call accepted', id: call.id, says: call.said?.length ?? 0 });

    const uri = `${accountPath(accountSid)}/Calls/${call.id}`;
    return {
      sid: call.id,
      account_sid: accountSid,
      status: 'queued',
      to,
      to_formatted: number.formatted ?? to,
      from,
      from_formatted: checkPhoneNumber(from).formatted ?? from,
      direction: 'outbound-api',
      api_version: TWILIO_API_VERSION,
      queue_time: '0',
      parent_call_sid: null,
      phone_number_sid: null,
      start_time: null,
      end_time: null,
      duration: null,
      answered_by: null,
      price: null,
      price_unit: 'USD',
      forwarded_from: null,
      caller_name: null,
      group_sid: null,
      trunk_sid: null,
      date_created: rfc2822(now),
      date_updated: rfc2822(now),
      uri: `${uri}.json`,
      subresource_uris: {
        notifications: `${uri}/Notifications.json`,
        recordings: `${uri}/Recordings.json`,
        events: `${uri}/Events.json`,
      },
    };
  }
}
