import { ProviderError } from './provider-error';
import { sendGridFailure } from './sendgrid/sendgrid-failure';
import { twilioFailure } from './twilio/twilio-failure';

describe('ProviderError from SDK failures', () => {
  it('reads a Twilio RestException: status and numeric code, never its message', () => {
    const restException = Object.assign(new Error("The 'To' number +32470123456 is not a valid phone number."), {
      status: 400,
      code: 21211,
      moreInfo: 'https://www.twilio.com/docs/errors/21211',
    });

    const error = new ProviderError('twilio', twilioFailure(restException));

    expect(error).toMatchObject({ provider: 'twilio', kind: 'terminal', reason: 'invalid_number', code: '21211', httpStatus: 400 });
    expect(error.message).toBe('twilio: invalid_number (HTTP 400, code 21211)');
    expect(error.message).not.toContain('+32470123456');
  });

  it('reads a SendGrid ResponseError: code is the HTTP status, only the refused fields are kept', () => {
    const responseError = Object.assign(new Error('Bad Request'), {
      code: 400,
      response: {
        headers: {},
        body: { errors: [{ message: 'duplicate [an@example.be]', field: 'personalizations.1.to', help: null }] },
      },
    });

    const error = new ProviderError('sendgrid', sendGridFailure(responseError));

    expect(error).toMatchObject({ kind: 'terminal', reason: 'provider_refused_http_400', httpStatus: 400, code: undefined });
    expect(error.message).toBe('sendgrid: provider_refused_http_400 (HTTP 400, fields: personalizations.1.to)');
  });

  it.each([
    ['twilio', twilioFailure],
    ['sendgrid', sendGridFailure],
  ] as const)('treats a %s network error as retryable', (provider, read) => {
    const networkError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4010'), { code: 'ECONNREFUSED' });

    const error = new ProviderError(provider, read(networkError));

    expect(error).toMatchObject({ kind: 'retryable', reason: 'network_error', httpStatus: undefined, code: undefined });
    expect(error.message).toBe(`${provider}: network_error (no HTTP answer, ECONNREFUSED)`);
  });

  it('classifies 429 and 5xx as retryable', () => {
    expect(new ProviderError('twilio', twilioFailure({ status: 429, code: 20429 }))).toMatchObject({
      kind: 'retryable',
      reason: 'rate_limited',
    });
    expect(new ProviderError('sendgrid', sendGridFailure({ code: 503, response: { body: '' } }))).toMatchObject({
      kind: 'retryable',
      reason: 'provider_unavailable_503',
    });
  });

  it('tells a request that may have reached the provider from one that never connected', () => {
    expect(new ProviderError('twilio', { transportCode: 'ECONNABORTED' }).mayHaveReachedProvider).toBe(true);
    expect(new ProviderError('twilio', { transportCode: 'ECONNRESET' }).mayHaveReachedProvider).toBe(true);
    expect(new ProviderError('twilio', {}).mayHaveReachedProvider).toBe(true);
    expect(new ProviderError('twilio', { transportCode: 'ECONNREFUSED' }).mayHaveReachedProvider).toBe(false);
    expect(new ProviderError('twilio', { httpStatus: 503 }).mayHaveReachedProvider).toBe(false);
  });
});
