import { SendGridErrorItem } from './sendgrid-api.error';
import { EmailAddress, MailContent, MailSendRequest, Personalization, RECIPIENT_KINDS } from './mail-send.request';

export const MAX_PERSONALIZATIONS = 1000;
export const MAX_RECIPIENTS = 1000;
export const MAX_CATEGORIES = 10;

const PLAUSIBLE_ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

type Fields = Record<string, unknown>;

export type MailSendValidation = { ok: true; request: MailSendRequest } | { ok: false; errors: SendGridErrorItem[] };

/**
 * SendGrid's synchronous checks on POST /v3/mail/send. Like SendGrid, every problem found is
 * reported in one 400 rather than only the first.
 */
export function validateMailSend(body: unknown): MailSendValidation {
  const errors: SendGridErrorItem[] = [];
  const refuse = (field: string | null, message: string): void => {
    errors.push({ message, field, help: null });
  };
  if (!isFields(body)) {
    refuse(null, 'Bad Request');
    return { ok: false, errors };
  }

  const personalizations = readPersonalizations(body.personalizations, refuse);
  const from = readAddress(body.from);
  if (!from) {
    refuse('from.email', 'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.');
  }
  const templateId = nonEmptyString(body.template_id);
  const content = readContent(body.content);
  if (templateId === undefined && content.length === 0) {
    refuse('content', 'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.');
  }
  const subject = nonEmptyString(body.subject);
  const everyPersonalizationHasSubject = personalizations.length > 0 && personalizations.every((p) => p.subject !== undefined);
  if (templateId === undefined && subject === undefined && !everyPersonalizationHasSubject) {
    refuse(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
    );
  }
  const categories = readCategories(body.categories, refuse);
  const headers = readStringMap(body.headers, 'headers', refuse);
  const customArgs = readStringMap(body.custom_args, 'custom_args', refuse);

  if (errors.length > 0 || !from) return { ok: false, errors };
  return {
    ok: true,
    request: {
      personalizations,
      from,
      subject,
      content,
      templateId,
      headers,
      customArgs,
      categories,
      sandbox: isFields(body.mail_settings) && isFields(body.mail_settings.sandbox_mode) && body.mail_settings.sandbox_mode.enable === true,
    },
  };
}

type Refuse = (field: string | null, message: string) => void;

function readPersonalizations(value: unknown, refuse: Refuse): Personalization[] {
  if (!Array.isArray(value) || value.length === 0) {
    refuse('personalizations', 'The personalizations field is required and must have at least one personalization.');
    return [];
  }
  if (value.length > MAX_PERSONALIZATIONS) {
    refuse('personalizations', `The personalizations field must contain at most ${MAX_PERSONALIZATIONS} personalizations.`);
  }
  const seen = new Set<string>();
  let recipients = 0;
  let duplicateReported = false;
  const personalizations = value.map((entry: unknown, index): Personalization => {
    const fields = isFields(entry) ? entry : {};
    const personalization: Personalization = {
      to: [],
      cc: [],
      bcc: [],
      subject: nonEmptyString(fields.subject),
      headers: readStringMap(fields.headers, `personalizations.${index}.headers`, refuse),
      customArgs: readStringMap(fields.custom_args, `personalizations.${index}.custom_args`, refuse),
      substitutions: readStringMap(fields.substitutions, `personalizations.${index}.substitutions`, refuse),
    };
    if (!Array.isArray(fields.to) || fields.to.length === 0) {
      refuse(`personalizations.${index}.to`, 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.');
    }
    for (const kind of RECIPIENT_KINDS) {
      const list: unknown[] = Array.isArray(fields[kind]) ? (fields[kind] as unknown[]) : [];
      list.forEach((candidate, position) => {
        const address = readAddress(candidate);
        if (!address) {
          refuse(`personalizations.${index}.${kind}.${position}.email`, 'Does not contain a valid address.');
          return;
        }
        recipients += 1;
        const key = address.email.toLowerCase();
        if (seen.has(key) && !duplicateReported) {
          duplicateReported = true;
          refuse(
            `personalizations.${index}.${kind}`,
            `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${address.email}] in the personalizations.${index}.${kind} field.`,
          );
        }
        seen.add(key);
        personalization[kind].push(address);
      });
    }
    return personalization;
  });
  if (recipients > MAX_RECIPIENTS) {
    refuse('personalizations', `The total number of recipients (to, cc and bcc) across all personalizations must be at most ${MAX_RECIPIENTS}.`);
  }
  return personalizations;
}

function readAddress(value: unknown): EmailAddress | undefined {
  if (!isFields(value) || typeof value.email !== 'string' || !PLAUSIBLE_ADDRESS.test(value.email)) return undefined;
  return typeof value.name === 'string' ? { email: value.email, name: value.name } : { email: value.email };
}

function readContent(value: unknown): MailContent[] {
  if (!Array.isArray(value)) return [];
  return value.filter((block: unknown): block is MailContent => isFields(block) && nonEmptyString(block.type) !== undefined && nonEmptyString(block.value) !== undefined);
}

function readCategories(value: unknown, refuse: Refuse): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((category): category is string => typeof category === 'string')) {
    refuse('categories', 'The categories parameter must be an array of strings.');
    return [];
  }
  if (value.length > MAX_CATEGORIES) refuse('categories', `You may not have more than ${MAX_CATEGORIES} categories per request.`);
  return value;
}

function readStringMap(value: unknown, field: string, refuse: Refuse): Record<string, string> {
  if (value === undefined) return {};
  if (!isFields(value) || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    refuse(field, `The ${field} parameter must be an object whose values are strings.`);
    return {};
  }
  return value as Record<string, string>;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null;
}
