import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CHANNEL_SENDER, ChannelSender } from './channel-sender';
import { ChannelFallbackSweeper } from './channel-fallback.sweeper';
import { DeferredDeliveryReleaser } from './deferred-delivery.releaser';
import { VoiceRedialScheduler } from './voice-redial.scheduler';

/**
 * The dispatcher's work that is not consumed but polled for: every dispatcher releases its
 * channel's deliveries whose quiet hours or outage hold ended, the voice dispatcher plans redials,
 * the SMS dispatcher decides the fallbacks of failed SMS. They start with the app, right before its
 * consumers (serveApp: lifecycle hooks, then the consumers), and stop when it closes, once the
 * consumers have stopped and before the database pools close.
 */
@Injectable()
export class DispatcherPollers implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CHANNEL_SENDER) private readonly sender: ChannelSender,
    private readonly releaser: DeferredDeliveryReleaser,
    private readonly redials: VoiceRedialScheduler,
    private readonly fallbacks: ChannelFallbackSweeper,
  ) {}

  onApplicationBootstrap(): void {
    this.releaser.start();
    if (this.sender.channel === 'voice') this.redials.start();
    if (this.sender.channel === 'sms') this.fallbacks.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.releaser.stop(), this.redials.stop(), this.fallbacks.stop()]);
  }
}
