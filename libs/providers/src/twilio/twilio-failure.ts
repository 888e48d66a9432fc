import { ProviderError, ProviderFailure } from '../provider-error';
import { isRecord, transportCodeOf } from '../sdk-error-fields';

/**
 * Reads a twilio-node failure: RestException (legacy body) and TwilioServiceException
 * (RFC 9457 body) both carry the HTTP `status` and Twilio's numeric `code`; anything without
 * a status never got an HTTP answer.
 */
export function twilioFailure(error: unknown): ProviderFailure {
  if (isRecord(error) && typeof error.status === 'number') {
    const code = typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code) : undefined;
    return { httpStatus: error.status, code };
  }
  return { transportCode: transportCodeOf(error) };
}

/** One request to Twilio, any failure of which is thrown as the ProviderError the senders' callers classify. */
export async function askTwilio<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error: unknown) {
    throw new ProviderError('twilio', twilioFailure(error));
  }
}
