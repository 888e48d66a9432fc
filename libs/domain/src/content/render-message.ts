import { Language } from '../vocabulary';
import {
  AlertContent,
  NOT_REAL_LABEL,
  FOLLOW_UP_LABEL,
  SENDER_NAME,
  VOICE_CONFIRM_PROMPT,
  VOICE_CONFIRM_THANKS,
  contactLine,
  messageLabels,
  notRealNotice,
  redistributionNotice,
} from './alert-message';
import { pickLanguage } from './language';
import { SmsEncoding, normaliseForSms, segmentSms } from './sms-encoding';

function availableLanguages(content: AlertContent): Language[] {
  return (Object.keys(content.texts) as Language[]).filter((l) => content.texts[l]);
}

/** The member's language if the alert has it (else the fallback), and the alert's text in it. */
export function textFor(content: AlertContent, memberLanguage: Language) {
  const language = pickLanguage(memberLanguage, availableLanguages(content), content.fallbackLanguage);
  return { language, text: content.texts[language]! };
}

/** Three segments: a missing person's description fits, and the cost of a zone-wide alert stays bounded. */
export const DEFAULT_SMS_SEGMENT_BUDGET = 3;

export interface SmsRenderOptions {
  /** At most this many segments; the body is shortened at a word to fit. */
  segmentBudget?: number;
}

export interface RenderedSms {
  language: Language;
  body: string;
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** The text was shortened to stay within the segment budget. */
  truncated: boolean;
  /** The characters that made it UCS-2, so that an operator can replace them. */
  nonGsmCharacters: string[];
}

const ELLIPSIS = '...';

/** The parts of an SMS that may be shortened, in the order they are: the first is cut first. */
const SMS_CUT_ORDER = ['body', 'instruction', 'title', 'contact'] as const;
type SmsParts = Record<(typeof SMS_CUT_ORDER)[number], string>;

/**
 * Labels and title, body, instruction, the contact line, then the redistribution status and, for
 * a test or exercise, the sentence saying so. Over the segment budget the body is cut at a word,
 * then (when not even its first word fits) the instruction, then the title, and only then the
 * contact line: "whom to call" is what a reader of a cut missing-person SMS can still act on, and
 * the full text is in the e-mail and on the call. The labels, the redistribution status and the
 * test notice are never cut, as they are what makes the message safe to read.
 */
export function renderSms(content: AlertContent, memberLanguage: Language, options: SmsRenderOptions = {}): RenderedSms {
  const { language, text } = textFor(content, memberLanguage);
  const budget = options.segmentBudget ?? DEFAULT_SMS_SEGMENT_BUDGET;
  const labels = messageLabels(content, language);
  const prefix = labels.length > 0 ? `${labels.join(' - ')}: ` : '';
  const tail = [redistributionNotice(content, language), notRealNotice(content, language)].filter((l): l is string => l !== null);
  const compose = (p: SmsParts) => normaliseForSms([`${prefix}${p.title}`, p.body, p.instruction, p.contact, ...tail].filter((l) => l !== '').join('\n'));
  const fits = (sms: string) => segmentSms(sms).segments <= budget;

  const parts: SmsParts = { title: text.title, body: text.body, instruction: text.instruction ?? '', contact: contactLine(text, language) ?? '' };
  let truncated = false;
  for (const part of SMS_CUT_ORDER) {
    if (fits(compose(parts))) break;
    truncated = true;
    const cut = longestFitting(parts[part], (c) => fits(compose({ ...parts, [part]: c })));
    // A title is never empty: the ellipsis says there was one.
    parts[part] = cut ?? (part === 'title' ? ELLIPSIS : '');
    if (cut !== null) break;
  }
  const body = compose(parts);
  const { encoding, segments, units, nonGsmCharacters } = segmentSms(body);
  return { language, body, encoding, segments, units, truncated, nonGsmCharacters };
}

/**
 * The longest prefix of whole words of `text`, followed by an ellipsis, that `fits`; null when
 * not even the first word does. Binary search: adding a word never makes a message shorter.
 */
function longestFitting(text: string, fits: (cut: string) => boolean): string | null {
  const words = text.trim().split(/\s+/);
  const cut = (n: number) => `${words.slice(0, n).join(' ')}${ELLIPSIS}`;
  let lo = 0;
  let hi = words.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(cut(mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 && fits(cut(lo)) ? cut(lo) : null;
}

/**
 * One thing a call does, in order. The domain says what is said and when; the voice adapter
 * writes it in the provider's markup (Twilio's TwiML) with the voice configured for the language.
 */
export type VoiceStep =
  | { kind: 'say'; text: string }
  | { kind: 'pause'; seconds: number }
  /** Waits for `digits` keys while saying `say`; the keys are posted to `actionUrl`. */
  | { kind: 'gather'; digits: number; timeoutSeconds: number; actionUrl: string; say: string[] }
  | { kind: 'hangup' };

/** What a call says, in which of the member's languages; no steps = nothing more to say. */
export interface VoiceScript {
  language: Language;
  steps: VoiceStep[];
}

export interface RenderedVoice extends VoiceScript {
  /** The message as said once (what the preview shows). */
  script: string;
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
  const notReal = notRealNotice(content, language);
  // The urgency is in the voice; a test and a follow-up are said, before and (a test) after.
  const intro = [
    ...(content.kind && content.kind !== 'actual' ? [NOT_REAL_LABEL[language][content.kind], notReal!] : []),
    ...(content.messageType && content.messageType !== 'alert' ? [`${FOLLOW_UP_LABEL[language][content.messageType]}.`] : []),
  ];
  const contact = contactLine(text, language);
  const script = [
    `${SENDER_NAME[language]}.`,
    ...intro.map((p) => (p.endsWith('.') ? p : `${p}.`)),
    `${text.title}.`,
    text.body,
    ...(text.instruction ? [text.instruction] : []),
    ...(contact ? [contact.endsWith('.') ? contact : `${contact}.`] : []),
    redistributionNotice(content, language),
    ...(notReal ? [notReal] : []),
  ].join(' ');
  const say: VoiceStep = { kind: 'say', text: script };
  if (options.answeredByMachine) return { language, script, steps: [say, { kind: 'hangup' }] };
  const second: VoiceStep = options.gatherActionUrl
    ? { kind: 'gather', digits: 1, timeoutSeconds: 8, actionUrl: options.gatherActionUrl, say: [script, VOICE_CONFIRM_PROMPT[language]] }
    : say;
  return { language, script, steps: [say, { kind: 'pause', seconds: 1 }, second] };
}

/** The answer to a `<Gather>` action: thanks when the member confirmed, else nothing more. */
export function renderVoiceGatherReply(language: Language | null, acknowledged: boolean): VoiceScript | null {
  if (!acknowledged || language === null) return null;
  return { language, steps: [{ kind: 'say', text: VOICE_CONFIRM_THANKS[language] }, { kind: 'hangup' }] };
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
