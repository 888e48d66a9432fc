import { Logger } from '@nestjs/common';
import { Admin, Consumer, Kafka, KafkaMessage, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import { TOPICS, TopicSpec } from '@bin-alert/contracts';
import { AppMetrics } from '@bin-alert/platform';
import { BusInspection, ConsumerLag, ConsumerLagSource, consumerGroupLags, fetchConsumerLag, topicRecordCount } from './consumer-lag';
import { KafkaSecurity, createKafkaClient } from './kafka-client';
import { DeadLetterSink, FetchedRecord, OutgoingMessageRaw, deliverBatchToHandler, deliverToHandler } from './consumer-loop';
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
}

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
  private readonly consumers = new Set<Consumer>();
  /** The groups this process consumes with, and their topics: what its lag metric covers. */
  private readonly subscriptions = new Map<string, string[]>();

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = createKafkaClient({
      security: options.security,
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      retry: { retries: 3, initialRetryTime: 200 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logKafka(entry),
    });
  }

  /**
   * Creates the missing topics, and grows those with fewer partitions than asked: partitions are
   * a setting, and a topic can gain partitions but never lose them (keys would move).
   */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
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
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages.map(withContextHeaders)) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, batch]) => ({
        topic,
        messages: batch.map((m) => ({ key: m.key, value: JSON.stringify(m.value), headers: m.headers, partition: m.partition })),
      })),
    });
  }

  async consume<T>(spec: ConsumerSpec<T> | BatchConsumerSpec<T>): Promise<RunningConsumer> {
    const consumer = this.kafka.consumer({ groupId: spec.groupId, sessionTimeout: this.options.sessionTimeoutMs ?? 30_000, heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)), maxWaitTimeInMs: spec.maxWaitMs ?? 500 });
    this.consumers.add(consumer);
    this.subscriptions.set(spec.groupId, spec.topics);
    await consumer.connect();
    // A new group starts at the beginning: an alert issued before the dispatcher first joined
    // must still go out. Committed offsets take over from then on.
    await consumer.subscribe({ topics: spec.topics, fromBeginning: true });
    const partitionsConsumedConcurrently = spec.partitionsConcurrently ?? 1;
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
            await deliverBatchToHandler(spec, chunk.map((m) => fetchedRecord(batch.topic, batch.partition, m)), { heartbeat }, this, this.logger, this.options.metrics);
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
          await deliverToHandler(spec, fetchedRecord(topic, partition, message), { heartbeat }, this, this.logger, this.options.metrics);
        },
      });
    }
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        this.subscriptions.delete(spec.groupId);
        await consumer.disconnect();
      },
    };
  }

  /**
   * The first step of a drain: every consumer of the process stops fetching at once, lets the
   * records it is handling finish, commits them and leaves its group, so that the partitions
   * move to the other instances without waiting for the session timeout. The producer stays,
   * for what the handlers in flight still publish.
   */
  async stopConsuming(): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    this.subscriptions.clear();
    await Promise.all(consumers.map((c) => c.disconnect().catch((error) => this.logger.warn({ msg: 'consumer did not stop cleanly', error: String(error) }))));
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => undefined)));
    this.consumers.clear();
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
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
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
