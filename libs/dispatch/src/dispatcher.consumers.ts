import { Controller, Type } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  AlertIssuedV1,
  DeliveryJob,
  MemberNoticeV1,
  NOTICE_CHANNEL,
  TOPICS,
  alertIssuedV1,
  deliveryJob,
  expanderGroup,
  jobsTopic,
  memberNoticeV1,
  noticeGroup,
  senderGroup,
} from '@bin-alert/contracts';
import { CHANNELS, Channel, Urgency } from '@bin-alert/domain';
import { IncomingMessage, MessageBusContext, consumerGroup } from '@bin-alert/messaging';
import { AlertExpander } from './alert-expander';
import { DeliveryJobSender } from './delivery-job.sender';
import { MemberNoticeSender } from './member-notice.sender';

/**
 * E-mail jobs sent together at most: enough that jobs of a few dozen deliveries (planning's cut
 * per partition and page, ~40 at 1,000 members a page and 24 partitions) fill SendGrid requests
 * and give the job sender its three chunks of 1,000 in flight (CHUNKS_IN_FLIGHT); at 25 a batch
 * was one chunk, whose steps (claim, request, outcomes) ran one after the other with nothing
 * else of the partition in flight (docs/benchmarks.md, 2026-12-07 e-mail window; ADR 0058). A
 * redelivered batch repeats claims that find the sent ones done.
 */
export const EMAIL_JOBS_PER_BATCH = 100;

/**
 * Several partitions are worked on side by side. Urgent work waits no longer than normal work for
 * its fetch: the broker answers a waiting fetch as soon as a record arrives (kafkajs's minBytes is
 * 1), so the wait only sets how often an idle group asks again; at 50 ms the urgent groups' empty
 * fetches were about half of the broker's requests (docs/benchmarks.md, ADR 0052).
 */
const FETCHING = { maxWaitMs: 500, partitionsConcurrently: 3 };

/**
 * Partitions an e-mail sending group works on side by side in one instance. An e-mail job is
 * mostly waiting: for its SendGrid requests (one per language, ~160-260 ms each on the loaded
 * bench machine even for ten recipients) and its claim and outcome statements, with ~0.06 of a
 * core busy in the e-mail dispatcher. At three, an instance had three jobs in flight, and kafkajs
 * fetches again only once every partition of the last fetch is done, so the window was three
 * jobs' requests at a time (docs/benchmarks.md, 2026-12-07 10:30, e-mail's barrier). A partition
 * is still one job at a time, in order (ADR 0005), and a chunk still has at most
 * ceil(DISPATCH_SEND_CONCURRENCY / 4) requests in flight. What the jobs in flight hold in requests
 * is bounded apart, per instance (EMAIL_RECIPIENTS_IN_FLIGHT, ADR 0073).
 */
export const EMAIL_SENDING_PARTITIONS_CONCURRENTLY = 8;

/**
 * The consumers of one channel's dispatcher, as `@EventPattern` handlers (ADR 0002), two per lane:
 * the expander on issued alerts and the sender on the lane's jobs, each lane in groups of its own
 * so that normal work never waits behind urgent work nor the other way round; and the member
 * notices of the channel. Every group is shared by all instances of the channel's dispatcher, so
 * that the instances split the partitions between them.
 *
 * The channel is the app's, known when its module is built, and the group ids name it: so the
 * controller is made for a channel, as Nest's mixins are (one class per channel, below).
 */
function dispatcherConsumersOf(channel: Channel): Type {
  const expanding = (lane: Urgency) => consumerGroup({ groupId: expanderGroup(channel, lane), schema: alertIssuedV1, ...FETCHING });
  const sending = (lane: Urgency) =>
    consumerGroup({
      groupId: senderGroup(channel, lane),
      schema: deliveryJob,
      ...FETCHING,
      // The jobs waiting on a partition go together, so that SendGrid requests fill across them.
      ...(channel === 'email' ? { partitionsConcurrently: EMAIL_SENDING_PARTITIONS_CONCURRENTLY, batch: { maxBatchSize: EMAIL_JOBS_PER_BATCH } } : {}),
    });

  @Controller()
  class DispatcherConsumers {
    constructor(
      private readonly expander: AlertExpander,
      private readonly jobs: DeliveryJobSender,
      private readonly notices: MemberNoticeSender,
    ) {}

    @EventPattern(TOPICS.alerts, expanding('urgent'))
    expandUrgent(@Payload() alert: AlertIssuedV1, @Ctx() context: MessageBusContext): Promise<void> {
      return this.expand('urgent', alert, context);
    }

    @EventPattern(TOPICS.alerts, expanding('normal'))
    expandNormal(@Payload() alert: AlertIssuedV1, @Ctx() context: MessageBusContext): Promise<void> {
      return this.expand('normal', alert, context);
    }

    @EventPattern(jobsTopic(channel, 'urgent'), sending('urgent'))
    sendUrgent(@Payload() jobs: DeliveryJob | IncomingMessage<DeliveryJob>[], @Ctx() context: MessageBusContext): Promise<void> {
      return this.send(jobs, context);
    }

    @EventPattern(jobsTopic(channel, 'normal'), sending('normal'))
    sendNormal(@Payload() jobs: DeliveryJob | IncomingMessage<DeliveryJob>[], @Ctx() context: MessageBusContext): Promise<void> {
      return this.send(jobs, context);
    }

    // One group per channel on bin.member-notices.v1; the voice dispatcher's notice is the code call.
    @EventPattern(TOPICS.memberNotices, consumerGroup({ groupId: noticeGroup(channel), schema: memberNoticeV1, maxWaitMs: 200 }))
    async sendNotice(@Payload() notice: MemberNoticeV1): Promise<void> {
      if (NOTICE_CHANNEL[notice.kind] !== channel) return;
      await this.notices.handle(notice);
    }

    /** Every lane's group reads every issued alert; each expands those of its lane only. */
    private async expand(lane: Urgency, alert: AlertIssuedV1, context: MessageBusContext): Promise<void> {
      if (alert.urgency !== lane) return;
      await this.expander.expand(alert, context);
    }

    /** E-mail's groups hand over a partition's records a batch at a time, the other channels' one job at a time. */
    private async send(jobs: DeliveryJob | IncomingMessage<DeliveryJob>[], context: MessageBusContext): Promise<void> {
      if (Array.isArray(jobs))
        await this.jobs.handleBatch(
          jobs.map((m) => m.value),
          context,
        );
      else await this.jobs.handle(jobs, context);
    }
  }
  return DispatcherConsumers;
}

/** The controller of each channel's consumers, for `DispatcherModule.forChannel`. */
export const DISPATCHER_CONSUMERS = Object.fromEntries(CHANNELS.map((channel) => [channel, dispatcherConsumersOf(channel)])) as Record<Channel, Type>;
