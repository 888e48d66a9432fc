import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { allTopics, TOPICS } from '@bin-alert/contracts';
import type { MessageBusDriver, RunningConsumer } from '@bin-alert/messaging';
import { inTraceContext, startTracing, traceContextFrom, traceHeaders } from '@bin-alert/platform';
import { waitFor } from '../../bench/src/support/wait-for';

/** What the contract needs of a driver besides MessageBus: a raw producer, the dead letters, lag and group state. */
export interface BusUnderTest {
  /** A client of the broker, as each app or instance has its own. */
  client(): MessageBusDriver;
  /** Records written as bytes, bypassing the bus's JSON serialisation (poison messages). */
  publishRaw(topic: string, records: Array<{ key: string; value: string }>): Promise<void>;
  /** Dead letters of `key` so far: the error and the source topic from their headers. */
  deadLetters(key: string): Promise<Array<{ error: string; source: string }>>;
  lag(groupId: string, topic: string): Promise<number>;
  /** Members of the group holding partitions once it is stable. */
  activeMembers(groupId: string): Promise<number>;
  close(): Promise<void>;
}

const numbered = z.object({ n: z.number() });
type Numbered = z.infer<typeof numbered>;

/**
 * The semantics of MessageBus the system relies on, run against every driver (Kafka in the
 * integration tier, the in-process bus of standalone mode in the unit tier), so that the two
 * cannot drift apart: consumer groups, per-key order, parse → retry → dead letter, rebalancing.
 */
export function messageBusContract(driver: string, setUp: () => Promise<BusUnderTest>, timeoutMs = 60_000): void {
  describe(`MessageBus contract: ${driver}`, () => {
    let under: BusUnderTest;
    const clients: MessageBusDriver[] = [];
    const consumers: RunningConsumer[] = [];
    const client = () => {
      const c = under.client();
      clients.push(c);
      return c;
    };
    const newTopic = async (partitions = 3) => {
      const name = `test.contract.${randomUUID()}`;
      await client().ensureTopics([{ name, partitions }, ...allTopics().filter((t) => t.name === TOPICS.deadLetters)]);
      return name;
    };
    const consume = async (bus: MessageBusDriver, groupId: string, topic: string, handle: (m: { key: string | null; value: Numbered }) => Promise<void>, concurrently = 1) => {
      const consumer = await bus.consume({
        groupId,
        topics: [topic],
        schema: numbered,
        partitionsConcurrently: concurrently,
        maxWaitMs: 50,
        retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
        handle: async (m) => handle({ key: m.key, value: m.value }),
      });
      consumers.push(consumer);
      return consumer;
    };
    const settled = (groupId: string, members: number) =>
      waitFor(
        () => under.activeMembers(groupId),
        (n) => n === members,
        { what: `${members} active members in ${groupId}`, timeoutMs: 45_000, intervalMs: 250 },
      );
    const caughtUp = (groupId: string, topic: string) =>
      waitFor(
        () => under.lag(groupId, topic),
        (lag) => lag === 0,
        { what: `lag 0 of ${groupId}` },
      );
    /** A consumer group of its own for a case: no earlier run has used it. */
    const newGroup = (purpose: string) => `test-${purpose}-${randomUUID()}`;
    /** A case of the contract, given as long as the driver may need (a Kafka group takes seconds to settle). */
    const contractCase = (name: string, run: () => Promise<void>) => it(name, run, timeoutMs);
    /** The first dead letter of `key`, once there is one. */
    const letter = (key: string) =>
      waitFor(
        () => under.deadLetters(key),
        (l) => l.length > 0,
        { what: `dead letter of ${key}` },
      ).then((l) => l[0]);

    beforeAll(async () => {
      under = await setUp();
    }, timeoutMs);

    afterEach(async () => {
      for (const c of consumers.splice(0)) await c.stop().catch(() => undefined);
    }, timeoutMs);

    afterAll(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      await under?.close();
    }, timeoutMs);

    contractCase('gives every record to exactly one member of each group', async () => {
      const topic = await newTopic(3);
      const shared = newGroup('shared');
      const other = newGroup('other');
      const seen = { a1: [] as string[], a2: [] as string[], b: [] as string[] };
      await consume(client(), shared, topic, async (m) => void seen.a1.push(m.key!));
      await consume(client(), shared, topic, async (m) => void seen.a2.push(m.key!));
      await consume(client(), other, topic, async (m) => void seen.b.push(m.key!));
      await settled(shared, 2);
      await settled(other, 1);

      const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
      await client().publish(keys.map((key, n) => ({ topic, key, value: { n } })));
      await caughtUp(shared, topic);
      await caughtUp(other, topic);

      expect([...seen.a1, ...seen.a2].sort()).toEqual([...keys].sort());
      expect(seen.a1.length).toBeGreaterThan(0);
      expect(seen.a2.length).toBeGreaterThan(0);
      expect([...seen.b].sort()).toEqual([...keys].sort());
    });

    contractCase('keeps the order of the records of one key, with several partitions handled at once', async () => {
      const topic = await newTopic(3);
      const group = newGroup('order');
      const byKey = new Map<string, number[]>();
      await consume(
        client(),
        group,
        topic,
        async (m) => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), m.value.n]);
        },
        3,
      );
      await settled(group, 1);
      const bus = client();
      for (let n = 0; n < 15; n++) await bus.publish(['red', 'green', 'blue'].map((key) => ({ topic, key, value: { n } })));
      await caughtUp(group, topic);
      const inOrder = Array.from({ length: 15 }, (_, n) => n);
      expect(Object.fromEntries(byKey)).toEqual({ red: inOrder, green: inOrder, blue: inOrder });
    });

    contractCase('retries a failing handler with the same record until it succeeds', async () => {
      const topic = await newTopic(1);
      const group = newGroup('retry');
      let attempts = 0;
      const handled: number[] = [];
      await consume(client(), group, topic, async (m) => {
        if (m.value.n === 7 && ++attempts < 3) throw new Error(`flaky ${attempts}`);
        handled.push(m.value.n);
      });
      await settled(group, 1);
      await client().publish([7, 8].map((n) => ({ topic, key: 'same', value: { n } })));
      await caughtUp(group, topic);
      expect(attempts).toBe(3);
      expect(handled).toEqual([7, 8]);
    });

    contractCase('carries the publisher’s trace context in W3C headers and runs the handler in it (ADR 0020)', async () => {
      startTracing({}, 'contract'); // no exporter: a trace context is passed on exactly as it came
      const topic = await newTopic(1);
      const group = newGroup('trace');
      const traceparent = `00-${randomUUID().replace(/-/g, '')}-00f067aa0ba902b7-01`;
      const seen: Array<{ header?: string; active: Record<string, string> }> = [];
      consumers.push(
        await client().consume({
          groupId: group,
          topics: [topic],
          schema: numbered,
          maxWaitMs: 50,
          handle: async (m) => void seen.push({ header: m.headers.traceparent, active: traceHeaders() }),
        }),
      );
      await settled(group, 1);
      const bus = client();
      await inTraceContext(traceContextFrom({ traceparent }), () => bus.publish([{ topic, key: 'same', value: { n: 1 } }]));
      await bus.publish([{ topic, key: 'same', value: { n: 2 } }]);
      await caughtUp(group, topic);
      expect(seen).toEqual([
        { header: traceparent, active: { traceparent } },
        { header: undefined, active: {} },
      ]);
    });

    contractCase('dead-letters unparseable, invalid and failing records with the error, then goes on with the next', async () => {
      const topic = await newTopic(1);
      const group = newGroup('poison');
      const handled: string[] = [];
      const tag = randomUUID().slice(0, 8);
      await consume(client(), group, topic, async (m) => {
        if (m.value.n === 13) throw new Error('thirteen is unlucky');
        handled.push(m.key!);
      });
      await settled(group, 1);
      await under.publishRaw(topic, [
        { key: `not-json-${tag}`, value: '{"n": ' },
        { key: `wrong-shape-${tag}`, value: '{"n": "one"}' },
        { key: `unlucky-${tag}`, value: '{"n": 13}' },
        { key: `fine-${tag}`, value: '{"n": 1}' },
      ]);
      await caughtUp(group, topic);
      expect(handled).toEqual([`fine-${tag}`]);
      expect(await letter(`not-json-${tag}`)).toMatchObject({ source: topic, error: expect.stringContaining('SyntaxError') });
      expect((await letter(`wrong-shape-${tag}`)).error).toContain('invalid message: n: Expected number');
      expect((await letter(`unlucky-${tag}`)).error).toContain('thirteen is unlucky');
    });

    const consumeBatches = async (
      bus: MessageBusDriver,
      groupId: string,
      topic: string,
      handleBatch: (batch: Array<{ key: string | null; partition: number; value: Numbered }>) => Promise<void>,
      maxBatchSize: number,
    ) => {
      const consumer = await bus.consume({
        groupId,
        topics: [topic],
        schema: numbered,
        partitionsConcurrently: 3,
        maxWaitMs: 50,
        maxBatchSize,
        retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
        handleBatch: async (messages) => handleBatch(messages.map((m) => ({ key: m.key, partition: m.partition, value: m.value }))),
      });
      consumers.push(consumer);
      return consumer;
    };

    contractCase('hands a batch consumer the records of one partition at a time, in order, at most maxBatchSize of them', async () => {
      const topic = await newTopic(3);
      const group = newGroup('batches');
      const batches: Array<Array<{ key: string | null; partition: number; value: Numbered }>> = [];
      // Published before the group exists, so the first fetch finds a backlog to batch.
      await client().publish(['red', 'green', 'blue'].flatMap((key) => Array.from({ length: 12 }, (_, n) => ({ topic, key, value: { n } }))));
      await consumeBatches(client(), group, topic, async (batch) => void batches.push(batch), 5);
      await settled(group, 1);
      await caughtUp(group, topic);

      expect(batches.every((b) => b.length >= 1 && b.length <= 5 && new Set(b.map((m) => m.partition)).size === 1)).toBe(true);
      expect(batches.some((b) => b.length > 1)).toBe(true);
      const byKey = (key: string) =>
        batches
          .flat()
          .filter((m) => m.key === key)
          .map((m) => m.value.n);
      const inOrder = Array.from({ length: 12 }, (_, n) => n);
      expect({ red: byKey('red'), green: byKey('green'), blue: byKey('blue') }).toEqual({ red: inOrder, green: inOrder, blue: inOrder });
    });

    contractCase('dead-letters only the poison records of a batch and hands the others over, one at a time once the batch failed', async () => {
      const topic = await newTopic(1);
      const group = newGroup('batch-poison');
      const tag = randomUUID().slice(0, 8);
      const handled: number[] = [];
      await under.publishRaw(topic, [
        { key: `one-${tag}`, value: '{"n": 1}' },
        { key: `not-json-${tag}`, value: '{"n": ' },
        { key: `two-${tag}`, value: '{"n": 2}' },
        { key: `unlucky-${tag}`, value: '{"n": 13}' },
        { key: `three-${tag}`, value: '{"n": 3}' },
      ]);
      await consumeBatches(
        client(),
        group,
        topic,
        async (batch) => {
          if (batch.some((m) => m.value.n === 13)) throw new Error('thirteen is unlucky');
          handled.push(...batch.map((m) => m.value.n));
        },
        10,
      );
      await settled(group, 1);
      await caughtUp(group, topic);
      expect(handled).toEqual([1, 2, 3]);
      expect((await letter(`not-json-${tag}`)).error).toContain('SyntaxError');
      expect((await letter(`unlucky-${tag}`)).error).toContain('thirteen is unlucky');
    });

    contractCase('hands a stopped member’s partitions to the members that remain, from the first record it did not handle', async () => {
      const topic = await newTopic(3);
      const group = newGroup('rebalance');
      const first: number[] = [];
      const second: number[] = [];
      const leaving = await consume(client(), group, topic, async (m) => void first.push(m.value.n));
      await consume(client(), group, topic, async (m) => void second.push(m.value.n));
      await settled(group, 2);
      const bus = client();
      await bus.publish(Array.from({ length: 9 }, (_, n) => ({ topic, key: `k${n}`, value: { n } })));
      await caughtUp(group, topic);
      await leaving.stop();
      await settled(group, 1);
      await bus.publish(Array.from({ length: 9 }, (_, i) => ({ topic, key: `k${i}`, value: { n: 100 + i } })));
      await caughtUp(group, topic);
      expect([...first, ...second].sort((a, b) => a - b)).toEqual([...Array.from({ length: 9 }, (_, n) => n), ...Array.from({ length: 9 }, (_, i) => 100 + i)]);
      expect(first.filter((n) => n >= 100)).toEqual([]);
    });
  });
}
