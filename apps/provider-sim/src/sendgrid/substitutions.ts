import { SimMessage } from '../inbox/sim-message';

/**
 * SendGrid's personalization substitutions: each tag, wherever it occurs in the subject or the
 * content, becomes the personalization's value. One pass, longest tag first, so that a value is
 * never searched for tags itself and a tag inside a longer one is not cut out of it.
 */
export function substitute(text: string, substitutions: Record<string, string>): string {
  const tags = Object.keys(substitutions).filter((tag) => tag !== '');
  if (tags.length === 0) return text;
  const pattern = new RegExp(
    tags
      .sort((a, b) => b.length - a.length)
      .map((tag) => tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  // A function, so that `$&` or `$1` in a value stays as it is.
  return text.replace(pattern, (tag) => substitutions[tag]);
}

/** An e-mail as its recipient received it: subject, text and HTML with the substitutions applied. */
export function asReceived(message: SimMessage): SimMessage {
  const substitutions = message.substitutions;
  if (!substitutions) return message;
  const apply = (text: string | undefined) => (text === undefined ? undefined : substitute(text, substitutions));
  return { ...message, subject: apply(message.subject), text: apply(message.text), html: apply(message.html) };
}
