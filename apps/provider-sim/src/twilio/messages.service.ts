import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StatusHistory } from '../inbox/status-history';
import { Prng } from '../random/prng';
import { SimRandom } from '../random/sim-random';
import { SimCredentials } from '../sim-credentials';
import { SimStats } from '../stats/sim-stats';
import { isValidCallbackUrl } from './callback-url';
import { injectedErrorCode } from './injected-error';
import { OptOutRegistry } from './opt-out-registry';
import { checkPhoneNumber } from './phone-number';
import { countSmsSegments } from './sms-segments';
import { decideSmsFate } from './sms-fate';
import { SmsLifecycle } from './sms-lifecycle';
import { twilioErrors } from './twilio-api.error';
import { TwilioForm } from './twilio-form';
import { TwilioRefusals } from './twilio-refusals';
import { accountPath, rfc2822, TWILIO_API_VERSION, twilioSid } from './twilio-resource-format';

const MAX_BODY_CHARACTERS = 1600;

/**
 * POST …/Messages.json: Twilio's synchronous checks, opt-outs and injected refusals, then the
 * message is queued (recorded) and its status callbacks follow.
 */
@Injectable()
export class TwilioMessagesService {
  private readonly logger = new Logger('TwilioMessages');

  constructor(
    private readonly store: MessageStore,
    private readonly config: SimConfigStore,
    private readonly random: SimRandom,
    private readonly optOuts: OptOutRegistry,
    private readonly refusals: TwilioRefusals,
    private readonly stats: SimStats,
    private readonly lifecycle: SmsLifecycle,
    private readonly credentials: SimCredentials,
  ) {}

  create(accountSid: string, form: TwilioForm): Record<string, unknown> {
    // Drawn first, so that the n-th request meets the same fate whether or not earlier ones were refused.
    const prng = this.random.next('twilioMessages');
    try {
      return this.accept(accountSid, form, prng);
    } catch (error: unknown) {
      this.refusals.note('sms', error, { to: form.text('To'), from: form.text('From'), body: form.text('Body') });
      throw error;
    }
  }

  private accept(accountSid: string, form: TwilioForm, prng: Prng): Record<string, unknown> {
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
    const statusCallback = form.text('StatusCallback');
    if (statusCallback !== undefined && !isValidCallbackUrl(statusCallback)) throw twilioErrors.invalidStatusCallback();
    const sender = messagingServiceSid ?? from ?? '';
    if (this.optOuts.isBlocked(to, sender)) throw twilioErrors.unsubscribedRecipient();
    const rates = this.credentials.isSecondTwilioAccount(accountSid) ? this.config.current.secondTwilioAccount.sms : this.config.current.sms;
    const injected = injectedErrorCode(rates.errorRates, prng);
    if (injected !== undefined) throw twilioErrors.injected(injected);

    const now = new Date();
    const { encoding, segments } = countSmsSegments(body ?? '');
    const message = this.store.record({
      id: twilioSid('SM'),
      channel: 'sms',
      to,
      from: from ?? messagingServiceSid ?? '',
      accountSid,
      receivedAt: now.toISOString(),
      body: body ?? '',
      segments,
      encoding,
      validityPeriodSeconds: form.integer('ValidityPeriod'),
      statusCallback,
      statuses: new StatusHistory(),
    });
    if (this.stats.accepted('sms', `${to}\n${message.body}`)) {
      // The status callback URL names the delivery: what a run needs to find out why it went twice.
      this.logger.warn({ msg: 'sms accepted a second time (same To and body)', id: message.id, statusCallback });
    }
    this.lifecycle.start(message, decideSmsFate(to, rates, prng), { accountSid, messagingServiceSid }, prng);
    this.logger.debug({ msg: 'sms accepted', id: message.id, segments, encoding });

    const created = rfc2822(now);
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
      date_created: created,
      date_updated: created,
      date_sent: null,
      uri: `${uri}.json`,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
    };
  }
}
