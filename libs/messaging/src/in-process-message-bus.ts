import { Logger } from '@nestjs/common';
import { HEADERS, TOPICS, TopicSpec } from '@bin-alert/contracts';
import { DeadLetterSink, FetchedRecord, OutgoingMessageRaw, deliverBatchToHandler, deliverToHandler } from './consumer-loop';
import { AppMetrics } from '@bin-alert/platform';
import { BusInspection, ConsumerLag, ConsumerLagSource, GroupLag } from './consumer-lag';
import {
  BatchConsumerSpec,
  ConsumerSpec,
  DEFAULT_MAX_BATCH_SIZE,
  HandlerContext,
  MessageBus,
  OutgoingMessage,
  RunningConsumer,
  isBatchConsumer,
  withContextHeaders,
} from './message-bus';

interface StoredRecord {
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** One partition's log: records in offset order, trimmed below what every group has handled. */
class PartitionLog {
  /** Offset of kept[0]. */
  private base = 0;
  private kept: StoredRecord[] = [];
  private wakers: Array<() => void> = [];

  get end(): number {
    return this.base + this.kept.length;
  }

  get start(): number {
    return this.base;
  }

  append(record: Omit<StoredRecord, 'offset'>): void {
    this.kept.push({ ...record, offset: this.end });
    const wake = this.wakers;
    this.wakers = [];
    for (const w of wake) w();
  }

  records(): readonly StoredRecord[] {
    return this.kept;
  }

  at(offset: number): StoredRecord | undefined {
    return this.kept[offset - this.base];
  }

  /** Resolves when a record at `offset` or beyond exists (or at once if it does). */
  waitFor(offset: number): Promise<void> {
    if (offset < this.end) return Promise.resolve();
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  wakeAll(): void {
    const wake = this.wakers;
    this.wakers = [];
    for (const w of wake) w();
  }

  trimBelow(offset: number): void {
    const drop = Math.min(offset, this.end) - this.base;
    if (drop <= 0) return;
    this.kept.splice(0, drop);
    this.base += drop;
  }
}

type AnySpec = ConsumerSpec<unknown> | BatchConsumerSpec<unknown>;

interface Member {
  spec: AnySpec;
  metrics?: AppMetrics;
  /** Partitions this member handles at once, as `partitionsConcurrently` asks. */
  slots: number;
  busy: number;
  slotWaiters: Array<() => void>;
  inFlight: Set<Promise<void>>;
  stopped: boolean;
}

/** A consumer group: every record of its topics is handled by exactly one of its members. */
class Group {
  readonly members: Member[] = [];
  /** Next offset to handle, per `topic/partition`. */
  readonly committed = new Map<string, number>();
  readonly runners = new Set<string>();
  /** Every topic the group ever read: its committed offsets hold records back from trimming. */
  readonly topics = new Set<string>();
  constructor(readonly id: string) {}

  /** Kafka's range assignment in spirit: partition p of a topic goes to member p mod n of those subscribed to it. */
  ownerOf(topic: string, partition: number): Member | undefined {
    const subscribed = this.members.filter((m) => !m.stopped && m.spec.topics.includes(topic));
    return subscribed.length === 0 ? undefined : subscribed[partition % subscribed.length];
  }
}

const NO_HEARTBEAT: HandlerContext = { heartbeat: async () => undefined };

/**
 * The broker of standalone mode, inside the process: topics with partitions, records kept in
 * order per partition, and consumer groups with committed offsets. Every InProcessMessageBus of
 * the process (one per app, as each app has its own Kafka client) talks to the same broker, so
 * the apps of standalone mode exchange messages exactly as they do through Kafka (ADR 0009).
 */
export class InProcessBroker {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private readonly logger = new Logger('in-process-bus');
  private closed = false;

  /** Like the Kafka driver (auto-creation off): a topic nobody created is a mistake, not a new topic. */
  checkTopics(topics: string[]): void {
    for (const topic of topics) if (!this.topics.has(topic)) throw new Error(`unknown topic '${topic}': create it with ensureTopics first`);
  }

  ensureTopics(specs: TopicSpec[]): void {
    for (const spec of specs) {
      if (!this.topics.has(spec.name))
        this.topics.set(
          spec.name,
          Array.from({ length: spec.partitions }, () => new PartitionLog()),
        );
    }
  }

  append(topic: string, message: { key: string | null; value: string | null; headers?: Record<string, string>; partition?: number }): void {
    this.checkTopics([topic]);
    const partitions = this.topics.get(topic)!;
    const partition = message.partition ?? partitionForKey(message.key, partitions.length);
    if (partition < 0 || partition >= partitions.length) throw new Error(`topic '${topic}' has no partition ${partition}`);
    partitions[partition].append({ key: message.key, value: message.value, headers: message.headers ?? {} });
  }

  join(spec: AnySpec, metrics?: AppMetrics): Member {
    this.checkTopics(spec.topics);
    const group = this.groups.get(spec.groupId) ?? new Group(spec.groupId);
    this.groups.set(spec.groupId, group);
    const member: Member = { spec, metrics, slots: Math.max(1, spec.partitionsConcurrently ?? 1), busy: 0, slotWaiters: [], inFlight: new Set(), stopped: false };
    group.members.push(member);
    for (const topic of spec.topics) {
      group.topics.add(topic);
      for (const partition of this.topics.get(topic)!.keys()) this.runPartition(group, topic, partition);
    }
    return member;
  }

  async leave(groupId: string, member: Member): Promise<void> {
    const group = this.groups.get(groupId);
    if (!group) return;
    member.stopped = true;
    // What the member is handling finishes first, like a Kafka consumer's disconnect; its
    // partitions then go to the other members from the first record it did not finish.
    await Promise.all([...member.inFlight]);
    group.members.splice(group.members.indexOf(member), 1);
    for (const w of member.slotWaiters.splice(0)) w();
    for (const topic of member.spec.topics) for (const log of this.topics.get(topic) ?? []) log.wakeAll();
  }

  /** Records not yet handled by the group: what `consumerLag` measures on Kafka. */
  lag(groupId: string, topic: string): number {
    const partitions = this.topics.get(topic) ?? [];
    const group = this.groups.get(groupId);
    return partitions.reduce((sum, log, p) => sum + log.end - Math.max(log.start, group?.committed.get(`${topic}/${p}`) ?? log.start), 0);
  }

  /** Members of the group that hold partitions: what Kafka's group description shows. */
  activeMembers(groupId: string): number {
    const group = this.groups.get(groupId);
    if (!group) return 0;
    const owners = new Set<Member>();
    for (const topic of group.topics)
      this.topics.get(topic)?.forEach((_, p) => {
        const owner = group.ownerOf(topic, p);
        if (owner) owners.add(owner);
      });
    return owners.size;
  }

  /** Every group with its members and its lag per topic, and the dead letters kept: the ops page. */
  inspect(): BusInspection {
    const consumerGroups: GroupLag[] = [...this.groups.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((group) => ({
        groupId: group.id,
        state: group.members.length > 0 ? 'Stable' : 'Empty',
        members: this.activeMembers(group.id),
        topics: [...group.topics].sort().map((topic) => ({ topic, lag: this.lag(group.id, topic) })),
      }));
    const deadLetters = (this.topics.get(TOPICS.deadLetters) ?? []).reduce((sum, log) => sum + log.end - log.start, 0);
    return { consumerGroups, deadLetters: { topic: TOPICS.deadLetters, records: deadLetters } };
  }

  /** Dead letters of `key` still kept, with the error and source topic from their headers (tests, ops). */
  deadLetters(key: string): Array<{ error: string; source: string }> {
    return (this.topics.get(TOPICS.deadLetters) ?? []).flatMap((log) =>
      log
        .records()
        .filter((r) => r.key === key)
        .map((r) => ({ error: r.headers[HEADERS.error] ?? '', source: r.headers[HEADERS.sourceTopic] ?? '' })),
    );
  }

  close(): void {
    this.closed = true;
    for (const partitions of this.topics.values()) for (const log of partitions) log.wakeAll();
  }

  /**
   * One loop per group and partition, so the partition's records are handled one after the
   * other (per-key order), each by the member that owns the partition at that moment.
   */
  private runPartition(group: Group, topic: string, partition: number): void {
    const id = `${topic}/${partition}`;
    if (group.runners.has(id)) return;
    group.runners.add(id);
    const log = this.topics.get(topic)![partition];
    void (async () => {
      for (;;) {
        const owner = this.closed ? undefined : group.ownerOf(topic, partition);
        if (!owner) break;
        // A new group starts at the oldest record kept, as the Kafka driver's fromBeginning.
        const offset = Math.max(group.committed.get(id) ?? log.start, log.start);
        if (offset >= log.end) {
          await log.waitFor(offset);
          continue;
        }
        await acquireSlot(owner);
        if (owner.stopped) {
          releaseSlot(owner);
          continue;
        }
        // A batch consumer gets what is there, as a Kafka fetch would return it; others one record.
        const spec = owner.spec;
        const count = isBatchConsumer(spec) ? Math.min(log.end - offset, Math.max(1, spec.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)) : 1;
        const records: FetchedRecord[] = Array.from({ length: count }, (_, i) => {
          const stored = log.at(offset + i)!;
          return { topic, partition, offset: String(offset + i), key: stored.key, value: stored.value, headers: { ...stored.headers } };
        });
        const delivered = isBatchConsumer(spec)
          ? deliverBatchToHandler(spec, records, NO_HEARTBEAT, this.deadLetterSink, this.logger, owner.metrics)
          : deliverToHandler(spec, records[0], NO_HEARTBEAT, this.deadLetterSink, this.logger, owner.metrics);
        const work = delivered.then(
          () => void group.committed.set(id, offset + count),
          async (error) => {
            this.logger.error({ msg: 'could not dead-letter a failed record; it will be handled again', topic, partition, offset, group: group.id, error: String(error) });
            await new Promise((r) => setTimeout(r, 1000));
          },
        );
        owner.inFlight.add(work);
        try {
          await work;
        } finally {
          owner.inFlight.delete(work);
          releaseSlot(owner);
        }
        this.trim(topic);
      }
      group.runners.delete(id);
    })();
  }

  private readonly deadLetterSink: DeadLetterSink = {
    publishDeadLetter: async (m: OutgoingMessageRaw) => this.append(m.topic, m),
  };

  /** Drops records every group reading the topic has handled, so a long demo does not grow without bound. */
  private trim(topic: string): void {
    const readers = [...this.groups.values()].filter((g) => g.topics.has(topic));
    if (readers.length === 0) return;
    for (const [p, log] of this.topics.get(topic)!.entries()) log.trimBelow(Math.min(...readers.map((g) => g.committed.get(`${topic}/${p}`) ?? log.start)));
  }
}

function acquireSlot(member: Member): Promise<void> {
  if (member.busy < member.slots || member.stopped) {
    member.busy++;
    return Promise.resolve();
  }
  return new Promise((resolve) =>
    member.slotWaiters.push(() => {
      member.busy++;
      resolve();
    }),
  );
}

function releaseSlot(member: Member): void {
  member.busy--;
  member.slotWaiters.shift()?.();
}

/** FNV-1a: a stable key → partition mapping, so one key's records stay in one partition. */
function partitionForKey(key: string | null, partitions: number): number {
  if (key === null) return Math.floor(Math.random() * partitions);
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * MessageBus of standalone mode: the same interface, parsing, retries and dead letters as the
 * Kafka driver (the shared loop body in consumer-loop.ts), on an InProcessBroker. Records are
 * serialised to JSON on publish, as on Kafka, so a consumer never shares an object with its
 * producer. Nothing survives the process: see ADR 0009 for what that means.
 */
export class InProcessMessageBus implements MessageBus, ConsumerLagSource {
  private readonly running = new Set<{ stop(): Promise<void> }>();
  /** The groups this client consumes with, and their topics: what its lag metric covers. */
  private readonly subscriptions = new Map<string, string[]>();

  constructor(
    readonly broker: InProcessBroker,
    /** Where retries and dead letters of this client's consumers are counted. */
    private readonly metrics?: AppMetrics,
  ) {}

  async inspect(): Promise<BusInspection> {
    return this.broker.inspect();
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    return [...this.subscriptions].flatMap(([groupId, topics]) => topics.map((topic) => ({ groupId, topic, lag: this.broker.lag(groupId, topic) })));
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.broker.ensureTopics(topics);
  }

  async ping(): Promise<void> {}

  async publish(messages: OutgoingMessage[]): Promise<void> {
    // All or nothing, as one producer batch: validate every topic before appending any record.
    this.broker.checkTopics(messages.map((m) => m.topic));
    const serialised = messages.map(withContextHeaders).map((m) => ({ topic: m.topic, key: m.key, value: JSON.stringify(m.value), headers: m.headers, partition: m.partition }));
    for (const m of serialised) this.broker.append(m.topic, m);
  }

  async consume<T>(spec: ConsumerSpec<T> | BatchConsumerSpec<T>): Promise<RunningConsumer> {
    const member = this.broker.join(spec as AnySpec, this.metrics);
    this.subscriptions.set(spec.groupId, spec.topics);
    const handle = {
      stop: async () => {
        this.running.delete(handle);
        this.subscriptions.delete(spec.groupId);
        await this.broker.leave(spec.groupId, member);
      },
    };
    this.running.add(handle);
    return handle;
  }

  /** As on Kafka: every consumer of this client stops taking records at once. */
  async stopConsuming(): Promise<void> {
    await Promise.all([...this.running].map((c) => c.stop()));
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }
}

let processBroker: InProcessBroker | null = null;

/** The broker every app of a standalone process shares, as they would share a Kafka cluster. */
export function processWideBroker(): InProcessBroker {
  processBroker ??= new InProcessBroker();
  return processBroker;
}
