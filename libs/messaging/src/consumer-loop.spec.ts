import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { DeadLetterSink, FetchedRecord, deliverToHandler, isGroupMembershipLost } from './consumer-loop';

/** kafkajs's shape for a heartbeat refused during a rebalance. */
const rebalancing = () => Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { name: 'KafkaJSProtocolError', type: 'REBALANCE_IN_PROGRESS' });

describe('consumer loop: a rebalance is not a handler failure', () => {
  const record: FetchedRecord = { topic: 'bin.alerts.v1', partition: 0, offset: '111', key: 'a', value: JSON.stringify({ n: 1 }), headers: {} };
  const spec = { groupId: 'dispatcher-sms', topics: ['bin.alerts.v1'], schema: z.object({ n: z.number() }), retryPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 } };
  const logger = new Logger('test');
  beforeAll(() => Logger.overrideLogger(false));

  it('recognises the group errors of kafkajs, also wrapped by a handler', () => {
    expect(isGroupMembershipLost(rebalancing())).toBe(true);
    expect(isGroupMembershipLost(Object.assign(new Error('x'), { type: 'UNKNOWN_MEMBER_ID' }))).toBe(true);
    expect(isGroupMembershipLost(new Error('wrapped', { cause: rebalancing() }))).toBe(true);
    expect(isGroupMembershipLost(new AggregateError([new Error('a'), rebalancing()]))).toBe(true);
    expect(isGroupMembershipLost(new Error('deadlock detected'))).toBe(false);
    expect(isGroupMembershipLost(undefined)).toBe(false);
  });

  it('hands the record back to the driver untouched instead of retrying it into the dead letters', async () => {
    const deadLetters: unknown[] = [];
    const sink: DeadLetterSink = { publishDeadLetter: async (m) => void deadLetters.push(m) };
    let calls = 0;
    const handle = async () => {
      calls++;
      throw rebalancing();
    };
    await expect(deliverToHandler({ ...spec, handle } as never, record, { heartbeat: async () => undefined }, sink, logger)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(calls).toBe(1);
    expect(deadLetters).toEqual([]);
  });

  it('still retries and then dead-letters an ordinary failure', async () => {
    const deadLetters: unknown[] = [];
    const sink: DeadLetterSink = { publishDeadLetter: async (m) => void deadLetters.push(m) };
    let calls = 0;
    const handle = async () => {
      calls++;
      throw new Error('deadlock detected');
    };
    await deliverToHandler({ ...spec, handle } as never, record, { heartbeat: async () => undefined }, sink, logger);
    expect(calls).toBe(5);
    expect(deadLetters).toHaveLength(1);
  });
});
