import { InDoubtLookup, ListedSms, ProviderAcceptance, SmsMessage, SmsSender } from '../ports';
import { TwilioSettings } from '../provider-settings';
import { createTwilioClient, TwilioClient } from './twilio-client.factory';
import { askTwilio } from './twilio-failure';
import { createdToNumberSince } from './twilio-in-doubt';

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

  /** The messages to the number since the claim, with their text: the in-doubt rule (sentSmsOf) looks for this delivery's body among them. */
  async listSent(lookup: InDoubtLookup): Promise<ListedSms[]> {
    return (await createdToNumberSince((query) => this.client.messages.list(query), lookup)).map((m) => ({ sid: m.sid, body: m.body }));
  }
}
