import { CHANNELS, Channel, LANGUAGES, Language, MEMBER_PAGE_PATHS } from '@bin-alert/domain';
import { SafeHtml, html } from './html';
import { FieldProblem, PageAddress, actionForm, categoryWords, errorSummary, field, hrefOf, listInWords, memberPage, notice, problemsOf, reasonFor, wordsFor } from './layout';
import { MemberWords, languageName } from './member-words';
import { codeForms } from './join-pages';

/** The preference centre as the API shows it (the persistence layer's PreferenceCentre). */
export interface PreferenceCentreView {
  language: Language;
  quietHours: { start: string; end: string } | null;
  contacts: ReadonlyArray<{ channel: Channel; verified: boolean }>;
  categories: ReadonlyArray<{
    code: string;
    name: string;
    rule: 'mandatory' | 'opt_out' | 'opt_in';
    channels: Partial<Record<Channel, { receives: boolean; chosen: boolean | null }>>;
  }>;
}

/** The change the API takes, read from the posted form: every box of the page says on or off. */
export interface PreferenceFormChange {
  language?: string;
  quietHours: { start: string; end: string } | null;
  choices: Array<{ category: string; channel: Channel; enabled: boolean }>;
}

/**
 * A checkbox left unticked is not posted at all, so every category and channel the page showed
 * is read as on or off; mandatory categories are not the member's to change and are left out.
 */
export function preferenceFormChange(form: Record<string, unknown>, centre: PreferenceCentreView): PreferenceFormChange {
  const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
  const ticked = new Set(([] as unknown[]).concat(form.choice ?? []).filter((c): c is string => typeof c === 'string'));
  const choices = centre.categories
    .filter((c) => c.rule !== 'mandatory')
    .flatMap((c) => centre.contacts.map(({ channel }) => ({ category: c.code, channel, enabled: ticked.has(`${c.code}:${channel}`) })));
  const quiet = text('quiet') === 'on';
  return { ...(text('language') ? { language: text('language') } : {}), quietHours: quiet ? { start: text('quietStart'), end: text('quietEnd') } : null, choices };
}

const RULE_ORDER = { mandatory: 0, opt_out: 1, opt_in: 2 } as const;

/** What always comes first, then what comes unless switched off, then what comes only when asked for. */
function inReadingOrder<C extends PreferenceCentreView['categories'][number]>(words: MemberWords, categories: readonly C[]): C[] {
  return [...categories].sort((a, b) => RULE_ORDER[a.rule] - RULE_ORDER[b.rule] || categoryWords(words, a).label.localeCompare(categoryWords(words, b).label));
}

/** What will happen from the next alert on, in plain words: per category the channels that reach the member. */
export function preferenceSummary(words: MemberWords, centre: PreferenceCentreView): string[] {
  const p = words.preferences;
  const verified = new Set(centre.contacts.filter((c) => c.verified).map((c) => c.channel));
  const lines = inReadingOrder(words, centre.categories).map((category) => {
    const label = categoryWords(words, category).label;
    const channels = CHANNELS.filter((ch) => verified.has(ch) && category.channels[ch]?.receives).map((ch) => words.channel[ch]);
    return channels.length > 0 ? p.receivesOn(label, listInWords(words, channels)) : p.receivesNot(label);
  });
  lines.push(centre.quietHours ? p.quietNow(centre.quietHours.start, centre.quietHours.end) : p.quietNone);
  lines.push(p.languageNow(languageName(centre.language)));
  return lines;
}

export interface PreferencesPageModel {
  language: Language;
  address: PageAddress;
  centre: PreferenceCentreView;
  /** Just saved: say so, and what it means for the next alert. */
  saved?: boolean;
  problems?: readonly FieldProblem[];
  /** As posted, when the form comes back with problems. */
  posted?: PreferenceFormChange;
  resignHref: string;
  /** The phone for calls: just given (a call is on its way), just confirmed, or its form refused. */
  phone?: { state?: 'calling' | 'confirmed' | 'recalled'; phoneError?: string; codeError?: string; posted?: string; message?: string };
}

/**
 * The phone for calls, beside the choices: its own forms, as giving a number starts a call and
 * the code it says has to be typed in before calls count. The centre never shows the number.
 */
function phoneSection(words: MemberWords, model: PreferencesPageModel): SafeHtml {
  const p = words.preferences;
  const a = words.application;
  const phone = model.centre.contacts.find((c) => c.channel === 'voice');
  const state = model.phone?.state;
  const at = (path: string) => hrefOf({ path, query: model.address.query }, { lang: model.language });
  const said =
    state === 'confirmed' ? notice('success', p.phoneConfirmed) : state === 'calling' ? notice('info', p.phoneCalling) : state === 'recalled' ? notice('info', a.codeRecalled) : '';
  return html`<section class="group" aria-labelledby="phone-title">
<h2 id="phone-title" tabindex="-1">${p.phoneTitle}</h2>
${said}
${model.phone?.message ? notice('error', model.phone.message) : ''}
<p>${phone?.verified ? p.phoneConfirmedNow : phone ? p.phonePending : p.phoneIntro}</p>
${
  phone && !phone.verified
    ? codeForms({
        id: 'phone-code',
        action: at(MEMBER_PAGE_PATHS.preferencesPhoneCode),
        resendAction: at(MEMBER_PAGE_PATHS.preferencesPhoneRecall),
        labels: { label: a.phoneCodeLabel, hint: a.phoneCodeHint, confirm: a.confirmPhoneCode, resend: a.recallCode },
        error: model.phone?.codeError,
      })
    : ''
}
<form method="post" action="${at(MEMBER_PAGE_PATHS.preferencesPhone)}" novalidate>
${field({
  id: 'phone',
  label: p.phoneLabel,
  hint: p.phoneHint,
  error: model.phone?.phoneError,
  control: (aria) => html`<input type="tel" id="phone" name="phone" autocomplete="tel" maxlength="32" value="${model.phone?.posted ?? ''}"${aria}>`,
})}
<button type="submit" class="${phone ? 'secondary' : 'primary'}">${phone ? p.phoneReplace : p.phoneGive}</button>
</form>
</section>`;
}

function categoryFieldset(words: MemberWords, centre: PreferenceCentreView, category: PreferenceCentreView['categories'][number], posted?: PreferenceFormChange): SafeHtml {
  const p = words.preferences;
  const about = categoryWords(words, category);
  const aboutId = `about-${category.code}`;
  if (category.rule === 'mandatory') {
    return html`<fieldset class="group" aria-describedby="${aboutId}">
<legend>${about.label}</legend>
${about.about ? html`<p class="category-about" id="${aboutId}">${about.about}</p>` : ''}
<p class="mandatory">${p.mandatory(about.label)}</p>
</fieldset>`;
  }
  const isOn = (channel: Channel) =>
    posted ? posted.choices.some((c) => c.category === category.code && c.channel === channel && c.enabled) : Boolean(category.channels[channel]?.receives);
  return html`<fieldset class="group"${about.about ? html` aria-describedby="${aboutId}"` : ''}>
<legend>${about.label}</legend>
${about.about ? html`<p class="category-about" id="${aboutId}">${about.about}${category.rule === 'opt_in' ? html` ${p.optIn}` : ''}</p>` : ''}
<div class="choices">${centre.contacts.map(({ channel, verified }) => {
    const id = `choice-${category.code}-${channel}`;
    return html`<div class="choice"><input type="checkbox" id="${id}" name="choice" value="${category.code}:${channel}"${isOn(channel) ? html` checked` : ''}><label for="${id}">${words.channel[channel]}${
      verified ? '' : html` <span class="badge">${p.unverified}</span>`
    }</label></div>`;
  })}</div>
</fieldset>`;
}

/** The preference centre: channels per category, language, quiet hours; one Save. */
export function preferencesPage(model: PreferencesPageModel): string {
  const words = wordsFor(model.language);
  const p = words.preferences;
  const { centre } = model;
  const problems = model.problems ?? [];
  const quietProblem = (part: 'start' | 'end') => {
    const found = problemsOf(problems, `quietHours.${part}`);
    return found.length > 0 ? reasonFor(words, found[0].reason) : undefined;
  };
  const quiet = model.posted ? model.posted.quietHours : centre.quietHours;
  const quietOn = model.posted ? model.posted.quietHours !== null : centre.quietHours !== null;
  const chosenLanguage = (model.posted?.language as Language | undefined) ?? centre.language;
  const summaryItems = [
    ...(['start', 'end'] as const).flatMap((part) => (quietProblem(part) ? [{ fieldId: `quiet-${part}`, text: quietProblem(part)! }] : [])),
    ...problems.filter((pr) => !pr.field.startsWith('quietHours')).map((pr) => ({ fieldId: 'categories', text: reasonFor(words, pr.reason) })),
  ];
  const action = hrefOf(model.address, { lang: model.language, saved: undefined });
  const content = html`
${model.saved ? notice('success', html`<p><strong>${p.saved}</strong> ${p.fromNextAlert}</p><ul>${preferenceSummary(words, centre).map((line) => html`<li>${line}</li>`)}</ul>`) : ''}
${errorSummary(words, summaryItems)}
<p class="lead">${p.intro}</p>
<form method="post" action="${action}" novalidate>
<h2 id="categories" tabindex="-1">${p.categories}</h2>
<p class="hint">${p.categoriesHint}</p>
${inReadingOrder(words, centre.categories).map((category) => categoryFieldset(words, centre, category, model.posted))}
<fieldset class="group">
<legend>${p.languageLegend}</legend>
${LANGUAGES.map(
  (l) =>
    html`<div class="choice"><input type="radio" id="language-${l}" name="language" value="${l}"${l === chosenLanguage ? html` checked` : ''}><label for="language-${l}" lang="${l}">${languageName(l)}</label></div>`,
)}
</fieldset>
<fieldset class="group" aria-describedby="quiet-hint">
<legend>${p.quietLegend}</legend>
<p class="hint" id="quiet-hint">${p.quietHint}</p>
<div class="choice"><input type="checkbox" id="quiet" name="quiet" value="on"${quietOn ? html` checked` : ''}><label for="quiet">${p.quietEnable}</label></div>
<div class="times">
${field({ id: 'quiet-start', label: p.quietFrom, error: quietProblem('start'), control: (aria) => html`<input type="time" id="quiet-start" name="quietStart" value="${quiet?.start ?? '22:00'}"${aria}>` })}
${field({ id: 'quiet-end', label: p.quietUntil, error: quietProblem('end'), control: (aria) => html`<input type="time" id="quiet-end" name="quietEnd" value="${quiet?.end ?? '07:00'}"${aria}>` })}
</div>
</fieldset>
<button type="submit" class="primary">${p.save}</button>
</form>
${phoneSection(words, model)}
<div class="links"><h2>${p.leaveTitle}</h2><p><a href="${model.resignHref}">${p.leave}</a></p></div>`;
  return memberPage({ language: model.language, title: p.title, address: model.address }, content);
}

export interface SubscribePageModel {
  language: Language;
  address: PageAddress;
  category: { code: string; name: string };
  /** The channels the member would get it on (their confirmed ones). */
  channels: readonly Channel[];
  state: 'ask' | 'done';
  preferencesHref: string;
}

/** The campaign's invitation (the boards' COVID vote): what the category is, and one button. */
export function subscribePage(model: SubscribePageModel): string {
  const words = wordsFor(model.language);
  const s = words.subscribe;
  const category = categoryWords(words, model.category);
  const channels = listInWords(
    words,
    model.channels.map((c) => words.channel[c]),
  );
  const content =
    model.state === 'done'
      ? html`${notice('success', s.done(category.name, channels))}<p><a href="${model.preferencesHref}">${s.toPreferences}</a></p>`
      : html`<p class="lead">${s.why(category.name)}</p>
${category.about ? html`<p>${category.about}</p>` : ''}
${model.channels.length > 0 ? html`<p>${s.onChannels(channels)}</p>${actionForm(hrefOf(model.address, { lang: model.language }), s.button)}<p class="hint">${s.canUndo}</p>` : notice('info', s.noChannels)}
<p><a href="${model.preferencesHref}">${s.toPreferences}</a></p>`;
  return memberPage({ language: model.language, title: s.title(category.name), address: model.address }, content);
}

export interface UnsubscribePageModel {
  language: Language;
  address: PageAddress;
  category: { code: string; name: string };
  state: 'ask' | 'done' | 'mandatory';
  preferencesHref: string;
}

/** The e-mail body's unsubscribe link: the category off on e-mail, with the way back. */
export function unsubscribePage(model: UnsubscribePageModel): string {
  const words = wordsFor(model.language);
  const u = words.unsubscribe;
  const category = categoryWords(words, model.category);
  const back = html`<p><a href="${model.preferencesHref}">${model.state === 'done' ? u.undo : words.subscribe.toPreferences}</a></p>`;
  const content =
    model.state === 'mandatory'
      ? html`${notice('info', u.mandatory(category.name))}${back}`
      : model.state === 'done'
        ? html`${notice('success', u.done(category.name))}${back}`
        : html`<p class="lead">${u.explain}</p>${actionForm(hrefOf(model.address, { lang: model.language }), u.button)}${back}`;
  return memberPage({ language: model.language, title: u.title(category.name), address: model.address }, content);
}

export interface ResignPageModel {
  language: Language;
  address: PageAddress;
  bins: readonly string[];
  state: 'ask' | 'done' | 'board' | 'nothing';
  erased?: boolean;
  preferencesHref?: string;
}

/** Leaving every BIN by the signed link, with the consequences said before the button. */
export function resignPage(model: ResignPageModel): string {
  const words = wordsFor(model.language);
  const r = words.resign;
  const bins = listInWords(words, model.bins);
  const join = html`<p><a href="${MEMBER_PAGE_PATHS.join}?lang=${model.language}">${r.joinAgain}</a></p>`;
  const content =
    model.state === 'done'
      ? html`${notice('success', html`<p>${r.done(bins)}${model.erased ? html` ${r.erased}` : ''}</p>`)}${join}`
      : model.state === 'board'
        ? notice('info', r.boardMember)
        : model.state === 'nothing'
          ? html`${notice('info', r.nothingLeft)}${join}`
          : html`<p class="lead">${r.explain(bins)}</p>${actionForm(hrefOf(model.address, { lang: model.language }), r.button, 'danger')}${
              model.preferencesHref ? html`<p><a href="${model.preferencesHref}">${r.keep}</a></p>` : ''
            }`;
  return memberPage({ language: model.language, title: r.title, address: model.address }, content);
}
