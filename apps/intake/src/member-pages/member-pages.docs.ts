import { z } from 'zod';
import type { OperationDoc } from '@bin-alert/platform';

const page = (description: string) => ({ description, contentType: 'text/html' });
const lang = z.object({ lang: z.enum(['nl', 'fr', 'de', 'en']).optional().describe('the language of the page; else the member’s, the browser’s, the zone’s') });
const signed = lang.extend({ token: z.string().describe('the signed token of the link the member received') });
const linkRefused = { 403: page('The link expired or is not valid: a page that says so and offers a new link.'), 404: page('The member is no longer there.') };
const tags = ['member pages'];

/** The member pages in the OpenAPI document: web pages for people, not endpoints for programs. */
export const MEMBER_PAGE_DOCS = {
  stylesheet: {
    summary: 'The member pages’ stylesheet',
    tags,
    responses: { 200: { description: 'CSS, cacheable for a year (its URL names its content).', contentType: 'text/css' } },
  },
  joinForm: { summary: 'The public application form (a web page)', tags, query: lang, responses: { 200: page('The form, in the chosen language.') } },
  join: {
    summary: 'Sends the application form',
    description: 'Form-encoded. A valid application answers 303 to the application’s page; problems come back as the form with each reason next to its field.',
    tags,
    query: lang,
    responses: { 303: { description: 'To the application’s page.' }, 400: page('The form with its problems.'), 429: page('The form, saying when to try again.') },
  },
  application: {
    summary: 'What is left of an application, and the forms for the SMS’s and the call’s codes (a web page)',
    tags,
    params: { memberId: z.string().uuid() },
    query: lang.extend({ done: z.enum(['email', 'mobile', 'resent', 'phone', 'recalled']).optional() }),
    responses: { 200: page('The steps left.'), 404: page('No such application.') },
  },
  confirmCode: {
    summary: 'Confirms the mobile number with the code of the SMS',
    tags,
    params: { memberId: z.string().uuid() },
    query: lang,
    responses: { 303: { description: 'Back to the application’s page.' }, 400: page('Wrong code.'), 409: page('The code expired, or too many attempts.') },
  },
  resendCode: {
    summary: 'Sends a new SMS code',
    tags,
    params: { memberId: z.string().uuid() },
    query: lang,
    responses: { 303: { description: 'Back to the application’s page.' }, 409: page('No code is waiting.'), 429: page('Saying when to try again.') },
  },
  confirmPhoneCode: {
    summary: 'Confirms the phone number for calls with the code the call said',
    tags,
    params: { memberId: z.string().uuid() },
    query: lang,
    responses: { 303: { description: 'Back to the application’s page.' }, 400: page('Wrong code.'), 409: page('The code expired, or too many attempts.') },
  },
  recallCode: {
    summary: 'Calls the phone number for calls again with a new code',
    tags,
    params: { memberId: z.string().uuid() },
    query: lang,
    responses: { 303: { description: 'Back to the application’s page.' }, 409: page('No code is waiting.'), 429: page('Saying when to try again.') },
  },
  confirmEmailPage: { summary: 'The e-mail confirmation link (a web page with one button)', tags, query: signed, responses: { 200: page('Asks to confirm.'), ...linkRefused } },
  confirmEmail: { summary: 'Confirms the e-mail address', tags, query: signed, responses: { 303: { description: 'To the application’s page.' }, ...linkRefused } },
  preferencesPage: {
    summary: 'The preference centre (a web page)',
    tags,
    query: signed.extend({ saved: z.literal('1').optional(), phone: z.enum(['calling', 'confirmed', 'recalled']).optional() }),
    responses: { 200: page('Channels per category, language, quiet hours, the phone for calls.'), ...linkRefused },
  },
  savePreferences: {
    summary: 'Saves the preference centre',
    tags,
    query: signed,
    responses: { 303: { description: 'Back to the centre, saying what holds from the next alert on.' }, 400: page('The centre with its problems.'), ...linkRefused },
  },
  givePhone: {
    summary: 'Gives a phone number for calls (landline or mobile) in place of the previous one; a call says the code that confirms it',
    tags,
    query: signed,
    responses: {
      303: { description: 'Back to the centre, with the field for the call’s code.' },
      400: page('The centre, saying the number is not one.'),
      429: page('Saying when to try again.'),
      ...linkRefused,
    },
  },
  confirmPhoneInCentre: {
    summary: 'Confirms the phone number for calls with the code the call said',
    tags,
    query: signed,
    responses: {
      303: { description: 'Back to the centre: calls now count.' },
      400: page('Wrong code.'),
      409: page('The code expired, too many attempts, or no code waiting.'),
      ...linkRefused,
    },
  },
  recallPhoneInCentre: {
    summary: 'Calls the phone number for calls again with a new code',
    tags,
    query: signed,
    responses: { 303: { description: 'Back to the centre.' }, 409: page('No code is waiting.'), 429: page('Saying when to try again.'), ...linkRefused },
  },
  askLinkPage: { summary: 'Ask for a new preference-centre link (a web page)', tags, query: lang, responses: { 200: page('The form.') } },
  askLink: {
    summary: 'Sends a preference-centre link to a member’s address',
    tags,
    query: lang,
    responses: { 200: page('Says a link is on its way if the address is a member’s.'), 400: page('Not an e-mail address.'), 429: page('Saying when to try again.') },
  },
  subscribePage: { summary: 'The category invitation (a web page with one button)', tags, query: signed, responses: { 200: page('What the category is.'), ...linkRefused } },
  subscribe: { summary: 'Subscribes to the invitation’s category', tags, query: signed, responses: { 200: page('Subscribed, on which channels.'), ...linkRefused } },
  unsubscribePage: { summary: 'The e-mail’s unsubscribe link (a web page with one button)', tags, query: signed, responses: { 200: page('Asks to confirm.'), ...linkRefused } },
  unsubscribe: {
    summary: 'Unsubscribes from a category by e-mail',
    description: 'The page’s button, and the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`) of a mail client.',
    tags,
    query: signed,
    responses: { 200: page('Unsubscribed, with the way back.'), ...linkRefused },
  },
  resignPage: { summary: 'Ending one’s membership (a web page with one button)', tags, query: signed, responses: { 200: page('What leaving means.'), ...linkRefused } },
  resign: {
    summary: 'Ends the membership in every BIN and erases the member',
    tags,
    query: signed,
    responses: { 200: page('Resigned.'), 403: page('A board member resigns through the police.'), 409: page('No membership left.') },
  },
} satisfies Record<string, OperationDoc>;
