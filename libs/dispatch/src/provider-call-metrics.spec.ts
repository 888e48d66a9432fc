import { AppMetrics } from '@bin-alert/platform';
import { ProviderError } from '@bin-alert/providers';
import { measureProviderCall, providerCallOutcome } from './provider-call-metrics';
import { rateLimitLabel } from './provider-rate-limiter';
import { metricValue } from '../../../test/support/prometheus-text';

describe('provider call metrics', () => {
  it('counts and times each call by channel and outcome', async () => {
    const metrics = new AppMetrics('dispatcher-sms');
    await measureProviderCall(metrics, 'sms', async () => ({ providerId: 'SM1' }));
    const refused = Object.assign(Object.create(ProviderError.prototype), { kind: 'terminal', reason: 'invalid_number' });
    await expect(measureProviderCall(metrics, 'sms', async () => Promise.reject(refused))).rejects.toBe(refused);
    const text = await metrics.scrape();
    expect(text).toContain('bin_provider_calls_total{channel="sms",outcome="accepted",app="dispatcher-sms"} 1');
    expect(text).toContain('bin_provider_calls_total{channel="sms",outcome="refused",app="dispatcher-sms"} 1');
    expect(metricValue(text, 'bin_provider_call_duration_seconds_count', { channel: 'sms', outcome: 'accepted' })).toBe(1);
  });

  it('tells refusals from retryable errors and from bugs', () => {
    const asError = (kind: string) => Object.assign(Object.create(ProviderError.prototype), { kind });
    expect(providerCallOutcome(asError('retryable'))).toBe('retryable_error');
    expect(providerCallOutcome(asError('terminal'))).toBe('refused');
    expect(providerCallOutcome(new TypeError('x is undefined'))).toBe('unexpected_error');
  });
});

describe('rateLimitLabel', () => {
  it('keeps provider and resource, never the sending number', () => {
    expect(rateLimitLabel('twilio:messages:+32460200100')).toBe('twilio_messages');
    expect(rateLimitLabel('twilio:calls')).toBe('twilio_calls');
    expect(rateLimitLabel('sendgrid:mail-send')).toBe('sendgrid_mail_send');
  });
});
