import { Language } from '../vocabulary';
import { AlertContent, SENDER_NAME, URGENT_LABEL, VOICE_CONFIRM_PROMPT, VOICE_CONFIRM_THANKS, redistributionNotice } from './alert-message';
import { VOICE_LOCALE, pickLanguage } from './language';
import { SmsEncoding, normaliseForSms, segmentSms } from './sms-encoding';

function availableLanguages(content: AlertContent): Language[] {
  return (Object.keys(content.texts) as Language[]).filter((l) => content.texts[l]);
}

function textFor(content: AlertContent, memberLanguage: Language) {
  const language = pickLanguage(memberLanguage, availableLanguages(content));
  return { language, text: content.texts[language]! };
}

export interface RenderedSms {
  language: Language;
  body: string;
  encoding: SmsEncoding;
  segments: number;
}

export function renderSms(content: AlertContent, memberLanguage: Language): RenderedSms {
  const { language, text } = textFor(content, memberLanguage);
  const prefix = content.urgency === 'urgent' ? `${URGENT_LABEL[language]}: ` : '';
  const body = normaliseForSms(`${prefix}${text.title}\n${text.body}\n${redistributionNotice(content, language)}`);
  const { encoding, segments } = segmentSms(body);
  return { language, body, encoding, segments };
}

export interface RenderedEmail {
  language: Language;
  subject: string;
  text: string;
  html: string;
}

export function renderEmail(content: AlertContent, memberLanguage: Language): RenderedEmail {
  const { language, text } = textFor(content, memberLanguage);
  const prefix = content.urgency === 'urgent' ? `[${URGENT_LABEL[language]}] ` : '';
  const notice = redistributionNotice(content, language);
  const subject = `${prefix}${text.title}`;
  const plain = `${text.body}\n\n${notice}\n\n-- \n${SENDER_NAME[language]}`;
  const paragraphs = text.body
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeXml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html =
    `<!doctype html><html lang="${language}"><body>\n<h1>${escapeXml(subject)}</h1>\n${paragraphs}\n` +
    `<p><strong>${escapeXml(notice)}</strong></p>\n<p>${escapeXml(SENDER_NAME[language])}</p>\n</body></html>`;
  return { language, subject, text: plain, html };
}

export interface RenderedVoice {
  language: Language;
  locale: string;
  script: string;
  twiml: string;
}

export interface VoiceRenderOptions {
  /**
   * Where Twilio posts the digits pressed at the `<Gather>` (the tracker's voice-gather URL for
   * this delivery). Without it the call only says the message, twice.
   */
  gatherActionUrl?: string;
  /**
   * An answering machine took the call (Twilio's AnsweredBy machine_*): the message is left once,
   * after the beep, with nothing to press — a voicemail that repeats itself only gets cut off.
   */
  answeredByMachine?: boolean;
}

/**
 * Said twice: people pick up mid-sentence, and a missing person's description must be heard whole.
 * With a gather action URL the second time is said inside a `<Gather>` followed by "press 1 to
 * confirm", so that the member can acknowledge while listening; without input the call ends.
 */
export function renderVoice(content: AlertContent, memberLanguage: Language, options: VoiceRenderOptions = {}): RenderedVoice {
  const { language, text } = textFor(content, memberLanguage);
  const locale = VOICE_LOCALE[language];
  const script = `${SENDER_NAME[language]}. ${text.title}. ${text.body} ${redistributionNotice(content, language)}`;
  const say = `<Say language="${locale}">${escapeXml(script)}</Say>`;
  if (options.answeredByMachine) return { language, locale, script, twiml: `<?xml version="1.0" encoding="UTF-8"?><Response>${say}<Hangup/></Response>` };
  const second = options.gatherActionUrl
    ? `<Gather numDigits="1" timeout="8" action="${escapeXml(options.gatherActionUrl)}" method="POST">${say}` +
      `<Say language="${locale}">${escapeXml(VOICE_CONFIRM_PROMPT[language])}</Say></Gather>`
    : say;
  const twiml = `<?xml version="1.0" encoding="UTF-8"?><Response>${say}<Pause length="1"/>${second}</Response>`;
  return { language, locale, script, twiml };
}

/** The TwiML answering a `<Gather>` action: thanks when the member confirmed, else nothing more. */
export function renderVoiceGatherReply(language: Language | null, acknowledged: boolean): string {
  if (!acknowledged || language === null) return '<?xml version="1.0" encoding="UTF-8"?><Response/>';
  const say = `<Say language="${VOICE_LOCALE[language]}">${escapeXml(VOICE_CONFIRM_THANKS[language])}</Say>`;
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${say}<Hangup/></Response>`;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
