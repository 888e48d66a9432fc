import { InDoubtLookup, ListedSms, ProviderAcceptance, SmsMessage, SmsSender } from '../ports';
import { TwilioSettings } from '../provider-settings';
import { createTwilioClient, TwilioClient } from './twilio-client.factory';
import { createdSince } from './provider-clock';
import { askTwilio } from './twilio-failure';

export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly settings: TwilioSettings,
    private readonly client: TwilioClient = createTwilioClient(settings),
  ) {}

  async send(message: SmsMessage): Promise<ProviderAcceptance> {
    const created = await askTwilio(() =>
      this.client.messages.create({
        to: message.to,
        from: this.settings.fromNumber,
        body: message.body,
        validityPeriod: message.validityPeriodSeconds,
        statusCallback: message.statusCallbackUrl,
      }),
    );
    return { providerId: created.sid };
  }

  /** Twilio lists the newest messages first; twenty cover any retry window of one alert. */
  async listSent(lookup: InDoubtLookup): Promise<ListedSms[]> {
    const recent = await askTwilio(() => this.client.messages.list({ to: lookup.to, limit: 20 }));
    return recent.filter((m) => createdSince(m.dateCreated, lookup.since)).map((m) => ({ sid: m.sid, body: m.body }));
  }
}
