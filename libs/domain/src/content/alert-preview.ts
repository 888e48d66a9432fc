import { LANGUAGES, Language } from '../vocabulary';
import { AlertContent } from './alert-message';
import { RenderedEmail, renderEmail } from './alert-email';
import { RenderedSms, RenderedVoice, SmsRenderOptions, renderSms, renderVoice } from './render-message';

/** What a member speaking one language gets on each channel; `language` in each says which text was used. */
export interface ChannelPreview {
  sms: RenderedSms;
  email: RenderedEmail;
  voice: RenderedVoice;
}

/**
 * Exactly what each channel sends to a member of each language, rendered by the same functions
 * the dispatchers use: a member whose language the alert lacks sees the fallback the zone gets.
 */
export function previewAlert(content: AlertContent, options: SmsRenderOptions = {}): Record<Language, ChannelPreview> {
  return Object.fromEntries(
    LANGUAGES.map((language) => [language, { sms: renderSms(content, language, options), email: renderEmail(content, language), voice: renderVoice(content, language) }]),
  ) as Record<Language, ChannelPreview>;
}
