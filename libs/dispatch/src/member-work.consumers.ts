import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NOTICE_CHANNEL, TOPICS, memberNoticeV1, noticeGroup } from '@bin-alert/contracts';
import { KafkaMessageBus, MESSAGE_BUS, RunningConsumer } from '@bin-alert/messaging';
import { DeferredDeliveryReleaser } from './deferred-delivery.releaser';
import { MemberNoticeSender } from './member-notice.sender';
import { CHANNEL_SENDER, ChannelSender } from './channel-sender';

/**
 * The dispatcher's work besides alerts: releasing deliveries whose quiet hours ended, and, on the
 * every dispatcher, sending member notices of its channel (the voice dispatcher: the code call) (one consumer group per
 * channel on bin.member-notices.v1, through the same consumer loop as everything else).
 */
@Injectable()
export class MemberWorkConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('dispatcher');
  private consumer: RunningConsumer | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: KafkaMessageBus,
    @Inject(CHANNEL_SENDER) private readonly sender: ChannelSender,
    private readonly releaser: DeferredDeliveryReleaser,
    private readonly notices: MemberNoticeSender,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const channel = this.sender.channel;
    this.releaser.start();
    this.consumer = await this.bus.consume({
      groupId: noticeGroup(channel),
      topics: [TOPICS.memberNotices],
      schema: memberNoticeV1,
      maxWaitMs: 200,
      handle: async (message) => {
        if (NOTICE_CHANNEL[message.value.kind] !== channel) return;
        await this.notices.handle(message.value);
      },
    });
    this.logger.log({ msg: 'consuming', channel, groups: [noticeGroup(channel)] });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.releaser.stop();
    await this.consumer?.stop();
  }
}
