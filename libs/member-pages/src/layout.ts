import { LANGUAGES, Language } from '@bin-alert/domain';
import { SafeHtml, html } from './html';
import { MEMBER_WORDS, MemberWords, languageName } from './member-words';
import { MEMBER_STYLESHEET_URL } from './stylesheet';

/** A problem with one field of a form, as the API reports it (`bins[1]`, `email`…). */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** Where a page was opened: its path and query without `lang`, so the language switch keeps the token. */
export interface PageAddress {
  path: string;
  query?: Record<string, string | undefined>;
}

export interface PageFrame {
  language: Language;
  title: string;
  address: PageAddress;
}

export function wordsFor(language: Language): MemberWords {
  return MEMBER_WORDS[language];
}

/** The address with these query values set (undefined removes one). */
export function hrefOf(address: PageAddress, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...address.query, ...extra })) if (value !== undefined && value !== '') params.set(key, value);
  const query = params.toString();
  return query ? `${address.path}?${query}` : address.path;
}

function languageSwitch(frame: PageFrame, words: MemberWords): SafeHtml {
  return html`<nav class="languages" aria-label="${words.languageSwitch}"><ul>${LANGUAGES.map(
    (l) =>
      html`<li><a href="${hrefOf(frame.address, { lang: l })}" lang="${l}" hreflang="${l}"${l === frame.language ? html` aria-current="true"` : ''}>${languageName(l)}</a></li>`,
  )}</ul></nav>`;
}

/**
 * The whole document of a member page: no script at all (every action is a form), one stylesheet
 * of this origin, the language switch first so that anyone can read the rest.
 */
export function memberPage(frame: PageFrame, content: SafeHtml): string {
  const words = wordsFor(frame.language);
  return html`<!doctype html>
<html lang="${frame.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="referrer" content="no-referrer">
<title>${frame.title} · ${words.htmlTitleSuffix}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${MEMBER_STYLESHEET_URL}">
</head>
<body>
<a class="skip" href="#content">${words.skipToContent}</a>
<header class="top">
<p class="brand">${words.brand}<span class="tagline">${words.tagline}</span></p>
${languageSwitch(frame, words)}
</header>
<main id="content" tabindex="-1">
<h1>${frame.title}</h1>
${content}
</main>
<footer class="bottom"><p>${words.footer}</p></footer>
</body>
</html>
`.value;
}

export type NoticeTone = 'success' | 'error' | 'info';

/**
 * A message about what just happened; errors are announced to screen readers at once. A sentence
 * is put in a paragraph; markup is the caller's own blocks.
 */
export function notice(tone: NoticeTone, content: string | SafeHtml): SafeHtml {
  const body = typeof content === 'string' ? html`<p>${content}</p>` : content;
  return html`<div class="notice ${tone}" role="${tone === 'error' ? 'alert' : 'status'}">${body}</div>`;
}

/** Problems of one field, by the field names of the form (`bins[2]` counts for `bins`). */
export function problemsOf(problems: readonly FieldProblem[], field: string): FieldProblem[] {
  return problems.filter((p) => p.field === field || p.field.startsWith(`${field}[`) || p.field.startsWith(`${field}.`));
}

/** The reason a member reads for a problem the API states in its own (English) words. */
export function reasonFor(words: MemberWords, reason: string): string {
  const r = words.reasons;
  if (/^required$/i.test(reason) || /at least 1 character/.test(reason)) return r.required;
  if (reason === 'not an e-mail address') return r.notEmail;
  if (reason.startsWith('not a mobile number')) return r.notMobile;
  if (reason === 'not a phone number') return r.notPhone;
  if (reason === 'at least one BIN' || reason === 'each BIN once') return r.atLeastOneBin;
  if (/^at most \d+ BINs$/.test(reason)) return r.atMostBins;
  if (reason.startsWith('an e-mail address, a mobile number or a phone number')) return r.emailOrMobile;
  if (reason.startsWith('the applicant must agree')) return r.consent;
  if (reason.startsWith('unknown BIN')) return r.unknownBin;
  if (/^at most \d+ characters$/.test(reason)) return r.tooLong;
  if (reason.startsWith('a time HH:MM')) return r.clockTime;
  if (reason === 'six digits') return r.sixDigits;
  if (reason === 'wrong code') return words.application.wrongCode;
  return reason;
}

/**
 * The GOV.UK pattern: a summary at the top that links to each field in error, so a screen-reader
 * user hears at once what to fix and can jump there.
 */
export function errorSummary(words: MemberWords, problems: ReadonlyArray<{ fieldId: string; text: string }>): SafeHtml {
  if (problems.length === 0) return html``;
  return html`<div class="notice error summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${words.errorSummary}</h2>
<ul>${problems.map((p) => html`<li><a href="#${p.fieldId}">${p.text}</a></li>`)}</ul>
</div>`;
}

export interface FieldOptions {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  /** Renders the control, given the aria attributes it must carry. */
  control: (aria: SafeHtml) => SafeHtml;
}

/** A labelled control with its hint and its error, tied together for assistive technology. */
export function field(options: FieldOptions): SafeHtml {
  const describedBy = [options.hint && `${options.id}-hint`, options.error && `${options.id}-error`].filter(Boolean).join(' ');
  const aria = html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${options.error ? html` aria-invalid="true"` : ''}`;
  return html`<div class="field${options.error ? ' has-error' : ''}">
<label for="${options.id}">${options.label}</label>
${options.hint ? html`<p class="hint" id="${options.id}-hint">${options.hint}</p>` : ''}
${options.error ? html`<p class="error" id="${options.id}-error">${options.error}</p>` : ''}
${options.control(aria)}
</div>`;
}

/** A form with one button that acts on the page's own address (the token stays in the query). */
export function actionForm(action: string, button: string, tone: 'primary' | 'danger' = 'primary'): SafeHtml {
  return html`<form method="post" action="${action}" class="one-button"><button type="submit" class="${tone}">${button}</button></form>`;
}

/** "SMS, e-mail and voice call" in the page's language. */
export function listInWords(words: MemberWords, items: readonly string[]): string {
  if (items.length === 0) return words.nothing;
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} ${words.and} ${items[items.length - 1]}`;
}

/** A category as members read it in this language; one the pages do not know keeps its own name. */
export function categoryWords(words: MemberWords, category: { code: string; name: string }): { label: string; name: string; about: string | null } {
  const known = words.categories[category.code];
  return known ? { ...known } : { label: category.name, name: category.name, about: null };
}
