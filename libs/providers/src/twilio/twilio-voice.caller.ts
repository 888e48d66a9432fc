import { ProviderAcceptance, VoiceCall, VoiceCaller } from '../ports';
import { ProviderError } from '../provider-error';
import { TwilioSettings } from '../provider-settings';
import { createTwilioClient, TwilioClient } from './twilio-client.factory';
import { twilioFailure } from './twilio-failure';

export class TwilioVoiceCaller implements VoiceCaller {
  constructor(
    private readonly settings: TwilioSettings,
    private readonly client: TwilioClient = createTwilioClient(settings),
  ) {}

  async call(call: VoiceCall): Promise<ProviderAcceptance> {
    try {
      const created = await this.client.calls.create({
        to: call.to,
        from: this.settings.fromNumber,
        twiml: call.twiml,
      });
      return { providerId: created.sid };
    } catch (error: unknown) {
      throw new ProviderError('twilio', twilioFailure(error));
    }
  }
}
