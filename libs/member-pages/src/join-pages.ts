import { LANGUAGES, Language, MEMBER_PAGE_PATHS } from '@bin-alert/domain';
import { SafeHtml, html } from './html';
import { FieldProblem, PageAddress, actionForm, errorSummary, field, hrefOf, memberPage, notice, problemsOf, reasonFor, wordsFor } from './layout';
import { languageName } from './member-words';

/** What the application form holds: as typed, so that a refused form comes back as it was. */
export interface JoinFormValues {
  name: string;
  language: Language;
  bins: string[];
  email: string;
  mobile: string;
  phone: string;
  consent: boolean;
}

export interface JoinPageModel {
  language: Language;
  bins: ReadonlyArray<{ id: string; name: string }>;
  values?: JoinFormValues;
  problems?: readonly FieldProblem[];
  /** Said above the form: a rate limit, a failure on our side. */
  message?: string;
}

/** Reads the posted form (urlencoded, repeated `bins`) into the API's application request. */
export function joinFormValues(form: Record<string, unknown>, fallbackLanguage: Language): JoinFormValues {
  const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string) : '');
  const bins = form.bins === undefined ? [] : ([] as unknown[]).concat(form.bins).filter((b): b is string => typeof b === 'string');
  const language = (LANGUAGES as readonly string[]).includes(text('language')) ? (text('language') as Language) : fallbackLanguage;
  return { name: text('name'), language, bins, email: text('email'), mobile: text('mobile'), phone: text('phone'), consent: text('consent') === 'yes' };
}

/** The application form, published freely as the meeting report says it may be. */
export function joinPage(model: JoinPageModel): string {
  const words = wordsFor(model.language);
  const w = words.join;
  const values = model.values ?? { name: '', language: model.language, bins: [], email: '', mobile: '', phone: '', consent: false };
  const problems = model.problems ?? [];
  const errorOf = (name: string) => {
    const found = problemsOf(problems, name);
    return found.length > 0 ? [...new Set(found.map((p) => reasonFor(words, p.reason)))].join(' ') : undefined;
  };
  const fields = ['name', 'language', 'bins', 'email', 'mobile', 'phone', 'consent'] as const;
  const fieldIds: Record<(typeof fields)[number], string> = {
    name: 'name',
    language: 'language',
    bins: `bin-${model.bins[0]?.id ?? ''}`,
    email: 'email',
    mobile: 'mobile',
    phone: 'phone',
    consent: 'consent',
  };
  const summary = fields.flatMap((f) => (errorOf(f) ? [{ fieldId: fieldIds[f], text: errorOf(f)! }] : []));
  const known = new Set<string>(fields);
  // A problem of no field on the form (the body as a whole) still has to be said.
  const other = problems.filter((p) => !known.has(p.field.replace(/[[.].*$/, ''))).map((p) => reasonFor(words, p.reason));
  const binsError = errorOf('bins');
  const consentError = errorOf('consent');
  const content = html`
${model.message ? notice('error', model.message) : ''}
${errorSummary(words, [...summary, ...other.map((text) => ({ fieldId: 'name', text }))])}
<p class="lead">${w.intro}</p>
<form method="post" action="${MEMBER_PAGE_PATHS.join}?lang=${model.language}" novalidate>
${field({ id: 'name', label: w.name, error: errorOf('name'), control: (aria) => html`<input type="text" id="name" name="name" autocomplete="name" maxlength="120" value="${values.name}"${aria}>` })}
${field({
  id: 'language',
  label: w.language,
  hint: w.languageHint,
  error: errorOf('language'),
  control: (aria) =>
    html`<select id="language" name="language"${aria}>${LANGUAGES.map((l) => html`<option value="${l}"${l === values.language ? html` selected` : ''}>${languageName(l)}</option>`)}</select>`,
})}
<fieldset class="group${binsError ? ' has-error' : ''}" aria-describedby="bins-hint${binsError ? ' bins-error' : ''}">
<legend>${w.bins}</legend>
<p class="hint" id="bins-hint">${w.binsHint}</p>
${binsError ? html`<p class="error" id="bins-error">${binsError}</p>` : ''}
<div class="choices">${model.bins.map(
    (b) =>
      html`<div class="choice"><input type="checkbox" id="bin-${b.id}" name="bins" value="${b.id}"${values.bins.includes(b.id) ? html` checked` : ''}><label for="bin-${b.id}">${b.name}</label></div>`,
  )}</div>
</fieldset>
<fieldset class="group" aria-describedby="contact-hint">
<legend>${w.contactLegend}</legend>
<p class="hint" id="contact-hint">${w.contactHint}</p>
${field({ id: 'email', label: w.email, error: errorOf('email'), control: (aria) => html`<input type="email" id="email" name="email" autocomplete="email" maxlength="254" value="${values.email}"${aria}>` })}
${field({
  id: 'mobile',
  label: w.mobile,
  hint: w.mobileHint,
  error: errorOf('mobile'),
  control: (aria) => html`<input type="tel" id="mobile" name="mobile" autocomplete="tel" maxlength="32" value="${values.mobile}"${aria}>`,
})}
${field({
  id: 'phone',
  label: w.phone,
  hint: w.phoneHint,
  error: errorOf('phone'),
  control: (aria) => html`<input type="tel" id="phone" name="phone" autocomplete="tel" maxlength="32" value="${values.phone}"${aria}>`,
})}
</fieldset>
<div class="field${consentError ? ' has-error' : ''}">
${consentError ? html`<p class="error" id="consent-error">${consentError}</p>` : ''}
<div class="choice"><input type="checkbox" id="consent" name="consent" value="yes"${values.consent ? html` checked` : ''}${consentError ? html` aria-invalid="true" aria-describedby="consent-error"` : ''}><label for="consent">${w.consent}</label></div>
</div>
<p>${w.privacy}</p>
<button type="submit" class="primary">${w.submit}</button>
</form>
<div class="links"><p>${w.alreadyMember} <a href="${MEMBER_PAGE_PATHS.askPreferencesLink}?lang=${model.language}">${w.askLink}</a></p></div>`;
  return memberPage({ language: model.language, title: w.title, address: { path: MEMBER_PAGE_PATHS.join } }, content);
}

export type ContactStep = 'none' | 'pending' | 'done';

export interface ApplicationPageModel {
  language: Language;
  memberId: string;
  email: ContactStep;
  mobile: ContactStep;
  /** The phone for calls, confirmed by the code a call says. */
  phone: ContactStep;
  /** The board approved a membership already. */
  active: boolean;
  message?: { tone: 'success' | 'error'; text: string };
  codeError?: string;
  phoneCodeError?: string;
}

/** A six-digit code typed in (the SMS's or the call's), and the button that sends a new one. */
export function codeForms(model: {
  action: string;
  resendAction: string;
  labels: { label: string; hint: string; confirm: string; resend: string };
  error?: string;
  id?: string;
}): SafeHtml {
  const id = model.id ?? 'code';
  return html`<form method="post" action="${model.action}" novalidate>
${field({
  id,
  label: model.labels.label,
  hint: model.labels.hint,
  error: model.error,
  control: (aria) => html`<input type="text" class="code" id="${id}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6"${aria}>`,
})}
<button type="submit" class="primary">${model.labels.confirm}</button>
</form>
<form method="post" action="${model.resendAction}" class="one-button"><button type="submit" class="secondary">${model.labels.resend}</button></form>`;
}

function step(done: boolean, pendingText: string, doneText: string): SafeHtml {
  return done ? html`<li><span class="done">✓ ${doneText}</span></li>` : html`<li>${pendingText}</li>`;
}

/** After applying: what is left to do, and the SMS code typed in here. */
export function applicationPage(model: ApplicationPageModel): string {
  const words = wordsFor(model.language);
  const a = words.application;
  const codePath = `${MEMBER_PAGE_PATHS.smsCode(model.memberId)}?lang=${model.language}`;
  const content = html`
${model.message ? notice(model.message.tone, model.message.text) : ''}
<p class="lead">${model.active ? a.active : a.received}</p>
<ol class="steps">
${model.email !== 'none' ? step(model.email === 'done', a.stepEmail, a.stepEmailDone) : ''}
${model.mobile !== 'none' ? step(model.mobile === 'done', a.stepMobile, a.stepMobileDone) : ''}
${model.phone !== 'none' ? step(model.phone === 'done', a.stepPhone, a.stepPhoneDone) : ''}
${step(model.active, a.stepBoard, a.active)}
</ol>
${
  model.mobile === 'pending'
    ? codeForms({
        action: codePath,
        resendAction: `${MEMBER_PAGE_PATHS.smsCode(model.memberId)}/resend?lang=${model.language}`,
        labels: { label: a.codeLabel, hint: a.codeHint, confirm: a.confirmCode, resend: a.resendCode },
        error: model.codeError,
      })
    : ''
}
${
  model.phone === 'pending'
    ? codeForms({
        id: 'phone-code',
        action: `${MEMBER_PAGE_PATHS.phoneCode(model.memberId)}?lang=${model.language}`,
        resendAction: `${MEMBER_PAGE_PATHS.phoneCode(model.memberId)}/resend?lang=${model.language}`,
        labels: { label: a.phoneCodeLabel, hint: a.phoneCodeHint, confirm: a.confirmPhoneCode, resend: a.recallCode },
        error: model.phoneCodeError,
      })
    : ''
}`;
  return memberPage({ language: model.language, title: a.title, address: { path: MEMBER_PAGE_PATHS.smsCode(model.memberId) } }, content);
}

export interface ConfirmEmailPageModel {
  language: Language;
  address: PageAddress;
  state: 'ask' | 'gone';
}

/**
 * The e-mailed link opens this; the button confirms (a mail scanner's GET confirms nothing), and
 * then the application's page says what is left.
 */
export function confirmEmailPage(model: ConfirmEmailPageModel): string {
  const words = wordsFor(model.language);
  const c = words.confirmEmail;
  const content =
    model.state === 'ask'
      ? html`<p class="lead">${c.explain}</p>${actionForm(hrefOf(model.address, { lang: model.language }), c.button)}`
      : html`${notice('error', c.contactGone)}<p><a href="${MEMBER_PAGE_PATHS.join}?lang=${model.language}">${words.backToStart}</a></p>`;
  return memberPage({ language: model.language, title: c.title, address: model.address }, content);
}
