import { ProviderFailure } from '../provider-error';
import { isRecord, transportCodeOf } from '../sdk-error-fields';

/**
 * Reads a @sendgrid/mail failure. ResponseError puts the HTTP status in `code` (SendGrid has no
 * error codes of its own) and the parsed `{"errors":[{message, field, help}]}` in
 * `response.body`; only the `field`s are kept, because the messages quote addresses.
 */
export function sendGridFailure(error: unknown): ProviderFailure {
  if (isRecord(error) && typeof error.code === 'number' && isRecord(error.response)) {
    return { httpStatus: error.code, detail: refusedFields(error.response.body) };
  }
  return { transportCode: transportCodeOf(error) };
}

function refusedFields(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.errors)) return undefined;
  const fields = body.errors
    .map((entry: unknown) => (isRecord(entry) && typeof entry.field === 'string' ? entry.field : undefined))
    .filter((field): field is string => field !== undefined);
  return fields.length > 0 ? `fields: ${[...new Set(fields)].slice(0, 5).join(', ')}` : undefined;
}
