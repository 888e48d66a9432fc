import { HEADERS } from '@bin-alert/contracts';
import { withCorrelationId } from '@bin-alert/platform';
import { lagFromOffsets } from './consumer-lag';
import { withCorrelationHeader } from './message-bus';

describe('lagFromOffsets', () => {
  it('sums end minus committed over the partitions', () => {
    const ends = [
      { partition: 0, low: '0', high: '10' },
      { partition: 1, low: '0', high: '5' },
    ];
    expect(
      lagFromOffsets(ends, [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '5' },
      ]),
    ).toBe(3);
  });

  it('counts from the log start when the group never committed, or committed before it', () => {
    const ends = [
      { partition: 0, low: '4', high: '10' },
      { partition: 1, low: '2', high: '3' },
    ];
    expect(lagFromOffsets(ends, [{ partition: 0, offset: '-1' }])).toBe(6 + 1);
    expect(
      lagFromOffsets(ends, [
        { partition: 0, offset: '1' },
        { partition: 1, offset: '3' },
      ]),
    ).toBe(6);
  });
});

describe('withCorrelationHeader', () => {
  const message = { topic: 'bin.jobs.sms.urgent.v1', key: 'm1', value: {} };

  it('stamps the current correlation id on what is published', () => {
    expect(withCorrelationId('corr-1', () => withCorrelationHeader(message)).headers).toEqual({ [HEADERS.correlationId]: 'corr-1' });
  });

  it('keeps an id the message names itself, and adds none outside a correlation', () => {
    const own = { ...message, headers: { [HEADERS.correlationId]: 'alert-own' } };
    expect(withCorrelationId('corr-1', () => withCorrelationHeader(own)).headers).toEqual({ [HEADERS.correlationId]: 'alert-own' });
    expect(withCorrelationHeader(message)).toBe(message);
  });
});
