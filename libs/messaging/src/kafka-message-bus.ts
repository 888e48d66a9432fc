import { Logger } from '@nestjs/common';
import { Admin, Consumer, Kafka, KafkaMessage, logLevel, LogEntry, Message, Producer } from 'kafkajs';
import { TOPICS, TopicSpec } from '@bin-alert/contracts';
import { AppMetrics } from '@bin-alert/platform';
import { BusInspection, ConsumerLag, ConsumerLagSource, consumerGroupLags, fetchConsumerLag, topicRecordCount } from './consumer-lag';
import { KafkaSecurity, createKafkaClient } from './kafka-client';
import { KeyPartitioner } from './key-partitioner';
import { DeadLetterSink, FetchedRecord, OutgoingMessageRaw, deliverBatchToHandler, deliverToHandler } from './consumer-loop';
import { ConsumerAttempt, ConsumerHealth, ConsumerSupervisionPolicy, ConsumerSupervisor, DEFAULT_CONSUMER_SUPERVISION } from './consumer-supervision';
import { BatchConsumerSpec, ConsumerSpec, DEFAULT_MAX_BATCH_SIZE, MessageBus, OutgoingMessage, RunningConsumer, isBatchConsumer, withContextHeaders } from './message-bus';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Fail fast when the broker is away, so the outbox keeps the record and retries later. */
  connectionTimeoutMs?: number;
  /** Consumer group session timeout: how soon a dead instance's partitions move (default 30 s). */
  sessionTimeoutMs?: number;
  /** Where retries and dead letters are counted. */
  metrics?: AppMetrics;
  /** TLS and SASL towards the brokers (managed services); none by default. */
  security?: KafkaSecurity;
  /** Copies of each partition of the topics this process creates, and the in-sync copies a write needs (default 1 and 1). */
  replicationFactor?: number;
  minInsyncReplicas?: number;
  /** How crashed consumers are restarted and when the process gives up (DEFAULT_CONSUMER_SUPERVISION). */
  consumerSupervision?: Partial<ConsumerSupervisionPolicy>;
  /** How long start-up work (creating topics) retries an error the broker may get over (default 60 s). */
  startupRetryMs?: number;
  /** What one fetch of a consumer may bring, in all and per partition (DEFAULT_FETCH_BYTES, ADR 0042). */
  fetchBytes?: { total: number; perPartition: number };
}

/**
 * A consumer holds everything one fetch brought until the last of it is handled (kafkajs fetches
 * again only then), and kafkajs's defaults, 10 MiB per fetch and 1 MiB per partition, let that
 * grow with the backlog: with 24 partitions a large alert's jobs filled it, and a dispatcher's
 * memory grew with the audience. 2 MiB is still thousands of records of any topic here (a job is
 * about 1-2 KiB, a status event under 1 KiB), and the broker returns a first record batch larger
 * than the limit whole, so no record is ever too big to fetch (ADR 0042).
 */
export const DEFAULT_FETCH_BYTES = { total: 2 * 1024 * 1024, perPartition: 256 * 1024 };

const DEFAULT_STARTUP_RETRY_MS = 60_000;

/** Each request to the brokers is retried a few times, briefly: the callers (outbox, supervisor) retry longer. */
const KAFKA_RETRY = { retries: 3, initialRetryTime: 200 };

/**
 * MessageBus on kafkajs: one idempotent producer per process, and one consumer loop per
 * consumer group with parsing, a capped retry and a dead-letter topic, so that a poison
 * message never stalls its partition.
 */
export class KafkaMessageBus implements MessageBus, ConsumerLagSource, DeadLetterSink {
  private readonly logger = new Logger('kafka');
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private readonly supervisors = new Set<ConsumerSupervisor>();
  /** The groups this process consumes with, and their topics: what its lag metric covers. */
  private readonly subscriptions = new Map<string, string[]>();

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = createKafkaClient({
      security: options.security,
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      retry: KAFKA_RETRY,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logKafka(entry),
    });
  }

  /**
   * Creates the missing topics, and grows those with fewer partitions than asked: partitions are
   * a setting, and a topic can gain partitions but never lose them (keys would move).
   */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    await retryWhileStarting('topics', () => this.ensureTopicsOnce(topics), this.options.startupRetryMs ?? DEFAULT_STARTUP_RETRY_MS, this.logger);
  }

  private async ensureTopicsOnce(topics: TopicSpec[]): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: this.options.replicationFactor ?? 1,
            configEntries: [{ name: 'min.insync.replicas', value: String(this.options.minInsyncReplicas ?? 1) }],
          })),
          waitForLeaders: true,
        });
        this.logger.log({ msg: 'created topics', topics: missing.map((t) => t.name), replicationFactor: this.options.replicationFactor ?? 1 });
      }
      const present = topics.filter((t) => existing.has(t.name));
      if (present.length > 0) {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
        const count = new Map(metadata.map((m) => [m.name, m.partitions.length]));
        const grow = present.filter((t) => (count.get(t.name) ?? t.partitions) < t.partitions);
        if (grow.length > 0) {
          await admin.createPartitions({ topicPartitions: grow.map((t) => ({ topic: t.name, count: t.partitions })) });
          this.logger.log({ msg: 'added partitions', topics: grow.map((t) => ({ topic: t.name, from: count.get(t.name), to: t.partitions })) });
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Used by readiness checks: the broker answers metadata requests. */
  async ping(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  }

  /** How far behind each group this process consumes with is, per topic, read from the broker. */
  /** Every consumer group of the cluster with its lag, and the dead letters kept (the ops page). */
  async inspect(): Promise<BusInspection> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return {
        consumerGroups: await consumerGroupLags(admin),
        deadLetters: { topic: TOPICS.deadLetters, records: await topicRecordCount(admin, TOPICS.deadLetters) },
      };
    } finally {
      await admin.disconnect();
    }
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    if (this.subscriptions.size === 0) return [];
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const pairs = [...this.subscriptions].flatMap(([groupId, topics]) => topics.map((topic) => ({ groupId, topic })));
      return await Promise.all(pairs.map(async ({ groupId, topic }) => ({ groupId, topic, lag: await fetchConsumerLag(admin, groupId, topic) })));
    } finally {
      await admin.disconnect();
    }
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.getProducer();
    // Grouped per topic in one pass (a batch of status events is hundreds of messages, one topic).
    const byTopic = new Map<string, Message[]>();
    for (const message of messages) {
      const m = withContextHeaders(message);
      const batch = byTopic.get(m.topic) ?? [];
      if (batch.length === 0) byTopic.set(m.topic, batch);
      batch.push({ key: m.key, value: JSON.stringify(m.value), headers: m.headers, partition: m.partition });
    }
    await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, batch]) => ({ topic, messages: batch })) });
  }

  /**
   * Starts a consumer under a ConsumerSupervisor: a crash (kafkajs gives up on an error it does
   * not retry, such as a group coordinator not found on a fresh broker) or a failed start is
   * followed by a fresh consumer after a backoff, and readiness reports the group down meanwhile
   * (consumerHealth). kafkajs's own restart is switched off so that there is one way a consumer
   * comes back. Resolves once the consumer first runs.
   */
  async consume<T>(spec: ConsumerSpec<T> | BatchConsumerSpec<T>): Promise<RunningConsumer> {
    const supervisor = new ConsumerSupervisor(
      spec.groupId,
      (onCrash) => this.startConsumer(spec, onCrash),
      { ...DEFAULT_CONSUMER_SUPERVISION, ...this.options.consumerSupervision },
      this.logger,
    );
    this.supervisors.add(supervisor);
    this.subscriptions.set(spec.groupId, spec.topics);
    const stop = async () => {
      this.supervisors.delete(supervisor);
      this.subscriptions.delete(spec.groupId);
      await supervisor.stop();
    };
    try {
      await supervisor.start();
    } catch (error) {
      await stop().catch(() => undefined);
      throw error;
    }
    return { stop };
  }

  /** The consumers of this process that are not running (crashed, restarting, given up), for readiness. */
  consumerHealth(): ConsumerHealth[] {
    return [...this.supervisors].map((s) => s.health());
  }

  /** One kafkajs consumer, joined and fetching; `onCrash` when it crashes later (or while starting). */
  private async startConsumer<T>(spec: ConsumerSpec<T> | BatchConsumerSpec<T>, onCrash: (error: unknown) => void): Promise<ConsumerAttempt> {
    const consumer = this.kafka.consumer({
      groupId: spec.groupId,
      sessionTimeout: this.sessionTimeoutMs(),
      heartbeatInterval: this.heartbeatIntervalMs(),
      maxWaitTimeInMs: spec.maxWaitMs ?? 500,
      maxBytes: this.options.fetchBytes?.total ?? DEFAULT_FETCH_BYTES.total,
      maxBytesPerPartition: this.options.fetchBytes?.perPartition ?? DEFAULT_FETCH_BYTES.perPartition,
      // The supervisor restarts a crashed consumer, whatever the error: kafkajs would restart
      // only after a retriable one, and leave the others dead.
      retry: { ...KAFKA_RETRY, restartOnFailure: async () => false },
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => onCrash(payload.error));
    const stop = () => consumer.disconnect();
    try {
      await consumer.connect();
      // A new group starts at the beginning: an alert issued before the dispatcher first joined
      // must still go out. Committed offsets take over from then on.
      await consumer.subscribe({ topics: spec.topics, fromBeginning: true });
      await this.runConsumer(consumer, spec);
    } catch (error) {
      await stop().catch(() => undefined);
      throw error;
    }
    return { stop };
  }

  private sessionTimeoutMs(): number {
    return this.options.sessionTimeoutMs ?? 30_000;
  }

  private heartbeatIntervalMs(): number {
    return Math.min(3_000, Math.floor(this.sessionTimeoutMs() / 3));
  }

  private async runConsumer<T>(consumer: Consumer, spec: ConsumerSpec<T> | BatchConsumerSpec<T>): Promise<void> {
    const partitionsConsumedConcurrently = spec.partitionsConcurrently ?? 1;
    const heartbeatInterval = this.heartbeatIntervalMs();
    if (isBatchConsumer(spec)) {
      const size = Math.max(1, spec.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
      await consumer.run({
        autoCommit: true,
        partitionsConsumedConcurrently,
        // Offsets are resolved chunk by chunk below: a consumer stopped or moved mid-fetch must not
        // mark the records it never handled as done.
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
          for (let from = 0; from < batch.messages.length; from += size) {
            if (!isRunning() || isStale()) break;
            const chunk = batch.messages.slice(from, from + size);
            await keepingMembership(heartbeat, heartbeatInterval, () =>
              deliverBatchToHandler(
                spec,
                chunk.map((m) => fetchedRecord(batch.topic, batch.partition, m)),
                { heartbeat },
                this,
                this.logger,
                this.options.metrics,
              ),
            );
            resolveOffset(chunk[chunk.length - 1].offset);
            await heartbeat();
            await commitOffsetsIfNecessary();
          }
        },
      });
    } else {
      await consumer.run({
        autoCommit: true,
        partitionsConsumedConcurrently,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          await keepingMembership(heartbeat, heartbeatInterval, () =>
            deliverToHandler(spec, fetchedRecord(topic, partition, message), { heartbeat }, this, this.logger, this.options.metrics),
          );
        },
      });
    }
  }

  /**
   * The first step of a drain: every consumer of the process stops fetching at once, lets the
   * records it is handling finish, commits them and leaves its group, so that the partitions
   * move to the other instances without waiting for the session timeout. The producer stays,
   * for what the handlers in flight still publish.
   */
  async stopConsuming(): Promise<void> {
    const supervisors = [...this.supervisors];
    this.supervisors.clear();
    this.subscriptions.clear();
    await Promise.all(supervisors.map((s) => s.stop().catch((error) => this.logger.warn({ msg: 'consumer did not stop cleanly', group: s.groupId, error: String(error) }))));
  }

  async close(): Promise<void> {
    await Promise.all([...this.supervisors].map((s) => s.stop().catch(() => undefined)));
    this.supervisors.clear();
    this.subscriptions.clear();
    if (this.producer) await this.producer.disconnect().catch(() => undefined);
    this.producer = null;
    this.producerReady = null;
  }

  /** The dead-letter topic gets the original bytes, the error and the source topic in its headers. */
  async publishDeadLetter(message: OutgoingMessageRaw): Promise<void> {
    const producer = await this.getProducer();
    await producer.send({ topic: message.topic, messages: [{ key: message.key, value: message.value, headers: message.headers }] });
  }

  private getProducer(): Promise<Producer> {
    if (!this.producerReady) {
      // Not kafkajs's idempotent mode: it needs unbounded retries, and the outbox relay must fail
      // fast while Kafka is away. A retried send may duplicate a record; every consumer is
      // idempotent (ADR 0004), so a duplicate costs a lookup, never a second message.
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: KeyPartitioner });
      this.producerReady = producer.connect().then(
        () => (this.producer = producer),
        (error) => {
          this.producerReady = null;
          throw error;
        },
      );
    }
    return this.producerReady;
  }

  private logKafka(entry: LogEntry): void {
    const { message, ...rest } = entry.log;
    const line = { msg: message, namespace: entry.namespace, ...rest };
    if (entry.level <= logLevel.ERROR) this.logger.error(line);
    else this.logger.warn(line);
  }
}

/**
 * Runs start-up work again while it fails with an error kafkajs calls retriable (or gave up
 * retrying), within `budgetMs`. Right after topics are created on a fresh three-broker cluster a
 * metadata request can get "This server does not host this topic-partition" for a few seconds;
 * it used to end the app's start-up (docs/reliability.md, finding 6).
 */
export async function retryWhileStarting<R>(
  what: string,
  work: () => Promise<R>,
  budgetMs: number,
  logger: Logger,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<R> {
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const delayMs = Math.min(5_000, 250 * 2 ** (attempt - 1));
      if (!isRetriableKafkaError(error) || Date.now() - startedAt + delayMs > budgetMs) throw error;
      logger.warn({ msg: `${what}: the broker refused a start-up request, trying again`, attempt, delayMs, error: String(error) });
      await sleep(delayMs);
    }
  }
}

/**
 * An answer of a broker that kafkajs calls retriable (a partition without a leader, a topic not
 * known yet), found also as the cause of an error that ran out of retries. A broker that cannot
 * be reached is not one: a wrong address fails the start at once.
 */
export function isRetriableKafkaError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { name?: unknown; retriable?: unknown; cause?: unknown };
  if (e.name === 'KafkaJSProtocolError' && e.retriable === true) return true;
  return isRetriableKafkaError(e.cause, depth + 1);
}

function fetchedRecord(topic: string, partition: number, message: KafkaMessage): FetchedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    value: message.value?.toString('utf8') ?? null,
    headers: decodeHeaders(message.headers),
  };
}

function decodeHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()).join(',') : v.toString();
  }
  return out;
}

/**
 * kafkajs heartbeats only when asked (between records, or when a handler calls `heartbeat`): a
 * handler that works longer than the session without asking, a sender waiting for its share of
 * a provider's rate, was expelled from its group while it worked, and its partitions and their
 * jobs went to another live instance (docs/reliability.md, chaos finding 1). So the driver keeps
 * the membership alive for as long as the handler runs; kafkajs sends at most one heartbeat per
 * interval however often it is asked. A refused heartbeat (the group rebalancing) is left to the
 * loop, which sees it on its own next heartbeat or commit and rejoins.
 */
async function keepingMembership<R>(heartbeat: () => Promise<void>, intervalMs: number, work: () => Promise<R>): Promise<R> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
