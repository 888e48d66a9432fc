import { classifyProviderFailure } from './provider-failure';
import { DEFAULT_RETRY_POLICY, mayRetry, retryDelayMs } from './retry-policy';

describe('classifyProviderFailure', () => {
  it.each([
    [{ httpStatus: 400, code: '21211' }, 'terminal', 'invalid_number'],
    [{ httpStatus: 400, code: '21614' }, 'terminal', 'not_a_mobile_number'],
    [{ httpStatus: 400, code: '21610' }, 'terminal', 'recipient_unsubscribed'],
    [{ httpStatus: 429, code: '20429' }, 'retryable', 'rate_limited'],
    [{ httpStatus: 503 }, 'retryable', 'provider_unavailable_503'],
    [{}, 'retryable', 'network_error'],
    [{ httpStatus: 401, code: '20003' }, 'terminal', 'provider_auth_refused'],
    [{ httpStatus: 400, code: '21602' }, 'terminal', 'provider_refused_21602'],
    [{ httpStatus: 413 }, 'terminal', 'provider_refused_http_413'],
  ])('%j → %s (%s)', (input, kind, reason) => {
    expect(classifyProviderFailure(input)).toEqual({ kind, reason });
  });
});

describe('retry policy', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling each attempt and never exceeds the cap', () => {
    expect(retryDelayMs(1, policy, () => 1)).toBe(100);
    expect(retryDelayMs(2, policy, () => 1)).toBe(200);
    expect(retryDelayMs(3, policy, () => 1)).toBe(400);
    expect(retryDelayMs(10, policy, () => 1)).toBe(1000);
  });

  it('jitters between half the ceiling and the ceiling', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(200);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(300);
  });

  it('stops after the configured number of attempts', () => {
    expect(mayRetry(3, policy)).toBe(true);
    expect(mayRetry(4, policy)).toBe(false);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
  });
});
