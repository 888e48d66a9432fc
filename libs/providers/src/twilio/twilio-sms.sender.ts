import { ProviderAcceptance, SmsMessage, SmsSender } from '../ports';
import { ProviderError } from '../provider-error';
import { TwilioSettings } from '../provider-settings';
import { createTwilioClient, TwilioClient } from './twilio-client.factory';
import { twilioFailure } from './twilio-failure';

export class TwilioSmsSender implements SmsSender {
  constructor(
    private readonly settings: TwilioSettings,
    private readonly client: TwilioClient = createTwilioClient(settings),
  ) {}

  async send(message: SmsMessage): Promise<ProviderAcceptance> {
    try {
      const created = await this.client.messages.create({
        to: message.to,
        from: this.settings.fromNumber,
        body: message.body,
        validityPeriod: message.validityPeriodSeconds,
      });
      return { providerId: created.sid };
    } catch (error: unknown) {
      throw new ProviderError('twilio', twilioFailure(error));
    }
  }
}
