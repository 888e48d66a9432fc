import { Language, Urgency } from '../vocabulary';
import {
  AlertContent,
  CONTACT_LABEL,
  EMAIL_FOOTER,
  FOLLOW_UP_LABEL,
  NOT_REAL_LABEL,
  SENDER_NAME,
  categoryMessages,
  contactLine,
  messageLabels,
  notRealNotice,
  offersUnsubscribe,
  redistributionNotice,
} from './alert-message';
import { escapeXml, textFor } from './render-message';

export interface RenderedEmail {
  language: Language;
  subject: string;
  text: string;
  html: string;
}

/**
 * The links at the foot of an alert e-mail: real URLs, or tags that a batch sender has the provider
 * replace with each recipient's own URL. A tag goes through HTML escaping unchanged only if it has
 * none of `<>&'"`, and the provider puts the URL in its place as it is: the URL must be as safe.
 */
export interface EmailFooterLinks {
  /** The member's preference centre. */
  preferences: string;
  /** Leaving the alert's category on e-mail; shown only when the category is not mandatory. */
  unsubscribe?: string;
}

/** The category as a label above the title, in the member's language; a category we do not know is shown by its code. */
export const CATEGORY_LABEL: Record<string, Record<Language, string>> = {
  missing_person: { nl: 'Vermissing', fr: 'Disparition', de: 'Vermisste Person', en: 'Missing person' },
  burglary: { nl: 'Inbraak', fr: 'Cambriolage', de: 'Einbruch', en: 'Burglary' },
  prevention: { nl: 'Preventie', fr: 'Prévention', de: 'Prävention', en: 'Prevention' },
  general: { nl: 'Algemeen', fr: 'Général', de: 'Allgemeines', en: 'General' },
  covid: { nl: 'COVID-19', fr: 'COVID-19', de: 'COVID-19', en: 'COVID-19' },
};

export function categoryLabel(category: string, language: Language): string {
  return Object.hasOwn(CATEGORY_LABEL, category) ? CATEGORY_LABEL[category][language] : category;
}

/** The e-mail's own words beside the operator's text: the urgency in full and the instruction's heading (the contact's is CONTACT_LABEL, as on every channel). */
export const EMAIL_WORDS: Record<Language, { urgency: Record<Urgency, string>; instruction: string }> = {
  nl: { urgency: { urgent: 'Dringend', normal: 'Niet dringend' }, instruction: 'Wat moet u doen?' },
  fr: { urgency: { urgent: 'Urgent', normal: 'Non urgent' }, instruction: 'Que faire ?' },
  de: { urgency: { urgent: 'Dringend', normal: 'Nicht dringend' }, instruction: 'Was ist zu tun?' },
  en: { urgency: { urgent: 'Urgent', normal: 'Not urgent' }, instruction: 'What to do' },
};

/**
 * Inline styles only, in a table layout: Outlook (Word's renderer) ignores most CSS on divs,
 * Gmail drops <style> blocks in many views, and no client runs scripts or loads stylesheets.
 * Colours keep at least 4.5:1 contrast with their background (WCAG AA).
 */
const STYLE = {
  font: 'font-family:Arial,Helvetica,sans-serif;',
  page: 'margin:0;padding:0;background-color:#eef1f5;',
  card: 'width:100%;max-width:600px;background-color:#ffffff;border:1px solid #d5dbe5;',
  header: 'background-color:#123b6d;color:#ffffff;padding:14px 24px;font-size:14px;font-weight:bold;',
  notReal: 'background-color:#fff3c4;color:#4d3b00;padding:12px 24px;font-size:16px;font-weight:bold;border-bottom:1px solid #e0c35c;',
  labels: 'padding:20px 24px 0 24px;',
  chip: 'display:inline-block;padding:3px 10px;margin:0 6px 6px 0;border-radius:3px;font-size:13px;font-weight:bold;',
  category: 'background-color:#e4e8ef;color:#1d2433;',
  urgent: 'background-color:#b00020;color:#ffffff;',
  normal: 'background-color:#e4e8ef;color:#1d2433;',
  followUp: 'background-color:#123b6d;color:#ffffff;',
  notRealChip: 'background-color:#fff3c4;color:#4d3b00;border:1px solid #e0c35c;',
  title: 'margin:8px 0 0 0;padding:0 24px;font-size:24px;line-height:1.3;color:#1d2433;',
  body: 'padding:8px 24px 0 24px;font-size:16px;line-height:1.5;color:#1d2433;',
  paragraph: 'margin:12px 0;',
  aside: 'margin:12px 0;padding:10px 14px;border-left:4px solid #123b6d;background-color:#f4f6fa;',
  asideHeading: 'margin:0 0 4px 0;font-size:15px;font-weight:bold;',
  asideParagraph: 'margin:4px 0 0 0;',
  notice: 'margin:16px 0;font-weight:bold;',
  footer: 'padding:16px 24px 20px 24px;border-top:1px solid #d5dbe5;font-size:14px;line-height:1.5;color:#4a5264;',
  link: 'color:#1a56a8;text-decoration:underline;',
} as const;

/**
 * An alert as e-mail: the subject, a plain-text part and an HTML part that say the same. The
 * operator's text (title, body, instruction, contact) is escaped wherever it lands in the HTML;
 * line breaks in it become <br>, blank lines paragraphs. Without footer links (a preview), the
 * e-mail ends with the sender's name.
 */
export function renderEmail(content: AlertContent, memberLanguage: Language, links?: EmailFooterLinks): RenderedEmail {
  const { language, text } = textFor(content, memberLanguage);
  const words = EMAIL_WORDS[language];
  const labels = messageLabels(content, language);
  const notice = redistributionNotice(content, language);
  const notReal = notRealNotice(content, language);
  const subject = [...labels.map((l) => `[${l}]`), text.title].join(' ');
  const footer = links ? footerLines(content, language, links) : [];
  const category = content.category ? categoryLabel(content.category, language) : null;
  const tagline = [...(category ? [category] : []), words.urgency[content.urgency]].join(' · ');
  // The optional lines a CAP alert brings, when the alert has them in this language: in the HTML
  // each under its heading; in the text the instruction under its heading, the contact as the
  // labelled line every channel uses ("Contact: Bel 101").
  const asides = [
    ...(text.instruction ? [{ heading: words.instruction, text: text.instruction, plain: `${words.instruction}\n${text.instruction}` }] : []),
    ...(text.contact ? [{ heading: CONTACT_LABEL[language], text: text.contact, plain: contactLine(text, language)! }] : []),
  ];

  const plain = [
    ...(notReal ? [notReal] : []),
    tagline,
    text.title,
    text.body,
    ...asides.map((a) => a.plain),
    notice,
    ...(notReal ? [notReal] : []),
    ['-- ', SENDER_NAME[language], ...footer.map((l) => `${l.sentence}${EMAIL_FOOTER[language].colon} ${l.url}`)].join('\n'),
  ].join('\n\n');

  const notRealRow = notReal ? `<tr><td style="${STYLE.font}${STYLE.notReal}">${escapeXml(notReal)}</td></tr>\n` : '';
  // What kind of message this is, before the title: not real, follow-up, category, urgency.
  const chips = [
    ...(content.kind && content.kind !== 'actual' ? [chip(NOT_REAL_LABEL[language][content.kind], STYLE.notRealChip)] : []),
    ...(content.messageType && content.messageType !== 'alert' ? [chip(FOLLOW_UP_LABEL[language][content.messageType], STYLE.followUp)] : []),
    ...(category ? [chip(category, STYLE.category)] : []),
    chip(words.urgency[content.urgency], content.urgency === 'urgent' ? STYLE.urgent : STYLE.normal),
  ].join('');
  const asideHtml = asides
    .map((a) => `<div style="${STYLE.aside}">\n<p style="${STYLE.asideHeading}">${escapeXml(a.heading)}</p>\n${paragraphs(a.text, STYLE.asideParagraph)}</div>\n`)
    .join('');
  const footerHtml = footer.map((l) => `<p style="margin:6px 0;"><a href="${escapeXml(l.url)}" style="${STYLE.link}">${escapeXml(l.sentence)}</a></p>\n`).join('');
  const html =
    `<!doctype html>\n<html lang="${language}">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="color-scheme" content="light">\n<title>${escapeXml(subject)}</title>\n</head>\n` +
    `<body style="${STYLE.page}">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${STYLE.page}"><tr><td align="center" style="padding:24px 12px;">\n` +
    `<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="${STYLE.card}">\n` +
    `<tr><td style="${STYLE.font}${STYLE.header}">${escapeXml(SENDER_NAME[language])}</td></tr>\n` +
    notRealRow +
    `<tr><td style="${STYLE.font}${STYLE.labels}">${chips}</td></tr>\n` +
    `<tr><td><h1 style="${STYLE.font}${STYLE.title}">${escapeXml(text.title)}</h1></td></tr>\n` +
    `<tr><td style="${STYLE.font}${STYLE.body}">\n` +
    paragraphs(text.body) +
    asideHtml +
    `<p style="${STYLE.notice}">${escapeXml(notice)}</p>\n` +
    (notReal ? `<p style="${STYLE.notice}">${escapeXml(notReal)}</p>\n` : '') +
    `</td></tr>\n` +
    `<tr><td style="${STYLE.font}${STYLE.footer}">\n<p style="margin:0 0 6px 0;">${escapeXml(SENDER_NAME[language])}</p>\n${footerHtml}</td></tr>\n` +
    `</table>\n</td></tr></table>\n</body>\n</html>\n`;
  return { language, subject, text: plain, html };
}

function chip(label: string, tone: string): string {
  return `<span style="${STYLE.chip}${tone}">${escapeXml(label)}</span>`;
}

/** Escaped; a blank line starts a paragraph, a single line break (a description, an address) stays one. */
function paragraphs(text: string, style: string = STYLE.paragraph): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p style="${style}">${escapeXml(p).replace(/\n/g, '<br>')}</p>\n`)
    .join('');
}

function footerLines(content: AlertContent, language: Language, links: EmailFooterLinks): Array<{ sentence: string; url: string }> {
  const words = EMAIL_FOOTER[language];
  const lines = [{ sentence: words.preferences, url: links.preferences }];
  if (links.unsubscribe && offersUnsubscribe(content)) lines.push({ sentence: words.unsubscribe(categoryMessages(content.category, language)), url: links.unsubscribe });
  return lines;
}
