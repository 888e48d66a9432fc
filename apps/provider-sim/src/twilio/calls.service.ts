import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StatusHistory } from '../inbox/status-history';
import { Prng } from '../random/prng';
import { SimRandom } from '../random/sim-random';
import { SimStats } from '../stats/sim-stats';
import { decideCallFate } from './call-fate';
import { CallLifecycle } from './call-lifecycle';
import { requestedCallEvents } from './call-params';
import { isValidCallbackUrl } from './callback-url';
import { injectedErrorCode } from './injected-error';
import { checkPhoneNumber, formattedSender } from './phone-number';
import { twilioErrors } from './twilio-api.error';
import { TwilioForm } from './twilio-form';
import { TwilioRefusals } from './twilio-refusals';
import { accountPath, rfc2822, TWILIO_API_VERSION, twilioSid } from './twilio-resource-format';
import { RedialMemory } from './redial-memory';
import { parseSaidTexts } from './twiml-say.parser';

/**
 * POST …/Calls.json: Twilio's synchronous checks and injected refusals, then the call is queued
 * (recorded) and rings. Inline Twiml is "played" at once: what it says is recorded; a Url is
 * fetched when the call is answered.
 */
@Injectable()
export class TwilioCallsService {
  private readonly logger = new Logger('TwilioCalls');

  constructor(
    private readonly store: MessageStore,
    private readonly config: SimConfigStore,
    private readonly random: SimRandom,
    private readonly refusals: TwilioRefusals,
    private readonly stats: SimStats,
    private readonly lifecycle: CallLifecycle,
    private readonly redials: RedialMemory,
  ) {}

  create(accountSid: string, form: TwilioForm): Record<string, unknown> {
    const prng = this.random.next('twilioCalls');
    try {
      return this.accept(accountSid, form, prng);
    } catch (error: unknown) {
      this.refusals.note('voice', error, { to: form.text('To'), from: form.text('From'), url: form.text('Url'), twiml: form.text('Twiml') });
      throw error;
    }
  }

  private accept(accountSid: string, form: TwilioForm, prng: Prng): Record<string, unknown> {
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
    const statusCallback = form.text('StatusCallback');
    if (statusCallback !== undefined && !isValidCallbackUrl(statusCallback)) throw twilioErrors.invalidStatusCallback();
    const rates = this.config.current.voice;
    const injected = injectedErrorCode(rates.errorRates, prng);
    if (injected !== undefined) throw twilioErrors.injected(injected);

    const earlierCalls = this.redials.placed(to);
    const now = new Date();
    const call = this.store.record({
      id: twilioSid('CA'),
      channel: 'voice',
      to,
      from,
      receivedAt: now.toISOString(),
      twiml,
      url,
      said: twiml !== undefined ? parseSaidTexts(twiml) : [],
      statusCallback,
      statusCallbackEvents: form.all('StatusCallbackEvent'),
      machineDetection: form.text('MachineDetection'),
      statuses: new StatusHistory(),
    });
    if (this.stats.accepted('voice', `${to}\n${twiml ?? url ?? ''}`)) {
      this.logger.warn({ msg: 'call placed a second time (same To and answer)', id: call.id, statusCallback });
    }
    const events = requestedCallEvents(call.statusCallbackEvents ?? []);
    this.lifecycle.start(call, decideCallFate(to, rates, prng, earlierCalls), { accountSid, events, machineDetection: call.machineDetection }, prng);
    this.logger.debug({ msg: 'call accepted', id: call.id, says: call.said?.length ?? 0 });

    const created = rfc2822(now);
    const uri = `${accountPath(accountSid)}/Calls/${call.id}`;
    return {
      sid: call.id,
      account_sid: accountSid,
      status: 'queued',
      to,
      to_formatted: number.formatted() ?? to,
      from,
      from_formatted: formattedSender(from) ?? from,
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
      date_created: created,
      date_updated: created,
      uri: `${uri}.json`,
      subresource_uris: {
        notifications: `${uri}/Notifications.json`,
        recordings: `${uri}/Recordings.json`,
        events: `${uri}/Events.json`,
      },
    };
  }
}
