import VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { Language, VoiceScript, VoiceStep } from '@bin-alert/domain';

/** The synthetic voice a call speaks in for one member language: `<Say voice language>`. */
export interface TwilioVoice {
  /** A voice Twilio offers, e.g. `Polly.Lisa-Neural` (Amazon Polly) or `Google.nl-BE-Wavenet-A`. */
  voice: string;
  /** BCP-47 tag the voice speaks, e.g. `nl-BE`: Twilio refuses a voice with a language it lacks. */
  language: string;
}

/**
 * A call's script as TwiML, built with the SDK's VoiceResponse (which escapes text and
 * attributes): every `<Say>` in the voice configured for the script's language. No script is an
 * empty `<Response/>`: Twilio then ends the call.
 */
export function voiceTwiml(script: VoiceScript | null, voices: Readonly<Record<Language, TwilioVoice>>): string {
  const response = new VoiceResponse();
  if (script === null) return response.toString();
  const voice = voices[script.language];
  // Configured names are checked for shape only (TWILIO_VOICE_*): Twilio's list changes faster than the SDK's union.
  const say = { voice: voice.voice as VoiceResponse.SayAttributes['voice'], language: voice.language as VoiceResponse.SayAttributes['language'] };
  for (const step of script.steps) addStep(response, step, say);
  return response.toString();
}

function addStep(response: VoiceResponse, step: VoiceStep, say: VoiceResponse.SayAttributes): void {
  switch (step.kind) {
    case 'say':
      response.say(say, step.text);
      return;
    case 'pause':
      response.pause({ length: step.seconds });
      return;
    case 'gather': {
      const gather = response.gather({ numDigits: step.digits, timeout: step.timeoutSeconds, action: step.actionUrl, method: 'POST' });
      for (const text of step.say) gather.say(say, text);
      return;
    }
    case 'hangup':
      response.hangup();
      return;
  }
}

/** A call to hang up on (nothing to say, or an unknown delivery). */
export function hangUpTwiml(): string {
  const response = new VoiceResponse();
  response.hangup();
  return response.toString();
}
