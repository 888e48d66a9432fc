import { Language, MEMBER_PAGE_PATHS } from '@bin-alert/domain';
import { html } from './html';
import { FieldProblem, errorSummary, field, memberPage, notice, problemsOf, reasonFor, wordsFor } from './layout';

/** Why a link opened nothing: `invalid` covers a forged, truncated or wrong-purpose token. */
export type LinkProblem = 'expired' | 'invalid' | 'gone';

export interface AskLinkModel {
  language: Language;
  state: 'ask' | 'sent';
  email?: string;
  problems?: readonly FieldProblem[];
  message?: string;
}

function askLinkForm(model: AskLinkModel) {
  const words = wordsFor(model.language);
  const l = words.link;
  const error = problemsOf(model.problems ?? [], 'email').map((p) => reasonFor(words, p.reason))[0];
  return html`${model.message ? notice('error', model.message) : ''}
${errorSummary(words, error ? [{ fieldId: 'link-email', text: error }] : [])}
<p>${l.newLinkIntro}</p>
<form method="post" action="${MEMBER_PAGE_PATHS.askPreferencesLink}?lang=${model.language}" novalidate>
${field({ id: 'link-email', label: l.email, error, control: (aria) => html`<input type="email" id="link-email" name="email" autocomplete="email" maxlength="254" value="${model.email ?? ''}"${aria}>` })}
<button type="submit" class="primary">${l.send}</button>
</form>`;
}

/** A member who has lost their link asks for a new one by e-mail address (the answer never says whether it is a member's). */
export function askLinkPage(model: AskLinkModel): string {
  const l = wordsFor(model.language).link;
  const content = model.state === 'sent' ? notice('success', l.sent) : askLinkForm(model);
  return memberPage({ language: model.language, title: l.newLinkTitle, address: { path: MEMBER_PAGE_PATHS.askPreferencesLink } }, content);
}

/**
 * An expired, tampered or orphaned link: says which, and offers a new link on the spot. An
 * unconfirmed address cannot get a preference link, so a stale confirmation link also points to
 * the application form.
 */
export function linkProblemPage(language: Language, problem: LinkProblem, path: string, options: { applyAgain?: boolean } = {}): string {
  const words = wordsFor(language);
  const l = words.link;
  const [title, text] = problem === 'expired' ? [l.expiredTitle, l.expired] : problem === 'gone' ? [l.goneTitle, l.gone] : [l.invalidTitle, l.invalid];
  const content = html`${notice(problem === 'gone' ? 'info' : 'error', text)}
${problem === 'gone' ? html`<p><a href="${MEMBER_PAGE_PATHS.join}?lang=${language}">${words.resign.joinAgain}</a></p>` : html`<h2>${l.newLinkTitle}</h2>${askLinkForm({ language, state: 'ask' })}`}
${options.applyAgain ? html`<p><a href="${MEMBER_PAGE_PATHS.join}?lang=${language}">${l.applyAgain}</a></p>` : ''}`;
  return memberPage({ language, title, address: { path } }, content);
}

/** Not found, or a failure on our side: said in the page's language, with a way on. */
export function errorPage(language: Language, kind: 'not_found' | 'failure', path: string, message?: string): string {
  const words = wordsFor(language);
  const title = kind === 'not_found' ? words.notFoundTitle : words.somethingWrong;
  const content = html`${notice(kind === 'not_found' ? 'info' : 'error', message ?? (kind === 'not_found' ? words.notFound : words.somethingWrong))}
<p><a href="${MEMBER_PAGE_PATHS.join}?lang=${language}">${words.backToStart}</a></p>`;
  return memberPage({ language, title, address: { path } }, content);
}
