import { InDoubtLookup, ProviderAcceptance, VoiceCall, VoiceCaller } from '../ports';
import { TwilioSettings } from '../provider-settings';
import { createTwilioClient, TwilioClient } from './twilio-client.factory';
import { askTwilio } from './twilio-failure';
import { createdToNumberSince } from './twilio-in-doubt';

export class TwilioVoiceCaller implements VoiceCaller {
  constructor(
    private readonly settings: TwilioSettings,
    private readonly client: TwilioClient = createTwilioClient(settings),
  ) {}

  async call(call: VoiceCall): Promise<ProviderAcceptance> {
    const created = await askTwilio(() =>
      this.client.calls.create({
        to: call.to,
        from: this.settings.fromNumber,
        ...('url' in call.answer ? { url: call.answer.url, method: 'POST' } : { twiml: call.answer.twiml }),
        ...(call.statusCallbackUrl !== undefined ? { statusCallback: call.statusCallbackUrl, statusCallbackMethod: 'POST', statusCallbackEvent: call.statusCallbackEvents } : {}),
        machineDetection: call.machineDetection,
      }),
    );
    return { providerId: created.sid };
  }

  /** Every call to the number since the earlier claim: a call carries no text to match, so any may be ours. */
  async listPlaced(lookup: InDoubtLookup): Promise<string[]> {
    return (await createdToNumberSince((query) => this.client.calls.list(query), lookup)).map((c) => c.sid);
  }
}
