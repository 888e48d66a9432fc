import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ERROR_CODES, ErrorCode } from '@bin-alert/domain';
import { DeadLetterSink, FetchedRecord, RETRIED_KINDS, deliverToHandler, isGroupMembershipLost, retriable } from './consumer-loop';
import { PermanentMessageError } from './message-bus';

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
    await expect(deliverToHandler({ ...spec, handle } as never, record, { heartbeat: async () => undefined }, sink, logger)).rejects.toMatchObject({
      type: 'REBALANCE_IN_PROGRESS',
    });
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

describe('consumer loop: a coded error is retried or dead-lettered by its kind', () => {
  const record: FetchedRecord = { topic: 'bin.alerts.v1', partition: 0, offset: '112', key: 'a', value: JSON.stringify({ n: 1 }), headers: {} };
  const spec = { groupId: 'dispatcher-sms', topics: ['bin.alerts.v1'], schema: z.object({ n: z.number() }), retryPolicy: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 } };
  const logger = new Logger('test');
  beforeAll(() => Logger.overrideLogger(false));

  async function attemptsUntilDeadLetter(error: Error): Promise<number> {
    const deadLetters: unknown[] = [];
    const sink: DeadLetterSink = { publishDeadLetter: async (m) => void deadLetters.push(m) };
    let calls = 0;
    const handle = async () => {
      calls++;
      throw error;
    };
    await deliverToHandler({ ...spec, handle } as never, record, { heartbeat: async () => undefined }, sink, logger);
    expect(deadLetters).toHaveLength(1);
    return calls;
  }

  it.each<[ErrorCode, number]>([
    ['alert.not_found', 1],
    ['message.unprocessable', 1],
    ['alert.outside_scope', 1],
    ['alert.changed_meanwhile', 5],
    ['callback.in_flight', 5],
  ])('%s: %i attempt(s)', async (code, attempts) => {
    expect(await attemptsUntilDeadLetter(new DomainError(code, 'refused'))).toBe(attempts);
  });

  it('sends a PermanentMessageError to the dead letters at once', async () => {
    expect(await attemptsUntilDeadLetter(new PermanentMessageError('unknown alert'))).toBe(1);
  });

  it('knows every kind', () => {
    expect(Object.keys(RETRIED_KINDS).sort()).toEqual([...new Set(Object.values(ERROR_CODES))].sort());
    expect(retriable(new Error('deadlock detected'))).toBe(true);
  });
});
