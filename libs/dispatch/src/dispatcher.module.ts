import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { HEADERS, TOPICS, alertIssuedV1, dispatcherGroup } from '@bin-alert/contracts';
import { Channel, DEFAULT_RETRY_POLICY } from '@bin-alert/domain';
import { KafkaMessageBus, MESSAGE_BUS, MessagingModule, RunningConsumer } from '@bin-alert/messaging';
import { AlertRepository, AudienceRepository, DeliveryRepository, PersistenceModule, ReferenceDataRepository } from '@bin-alert/persistence';
import { SendGridEmailSender, TwilioSmsSender, TwilioVoiceCaller } from '@bin-alert/providers';
import { APP_CONFIG, AppConfig, ConfigModule, HealthController, READINESS_CHECKS, REDIS, ReadinessCheck, RedisModule, providerSettingsFrom } from '@bin-alert/platform';
import { AlertDispatcher } from './alert-dispatcher';
import { CHANNEL_SENDER, ChannelSender } from './channel-sender';
import { DISPATCH_SETTINGS, DispatchSettings } from './dispatch-settings';
import { EmailChannelSender } from './email-channel.sender';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { SmsChannelSender } from './sms-channel.sender';
import { VoiceChannelSender } from './voice-channel.sender';

export function dispatchSettingsFrom(config: AppConfig): DispatchSettings {
  return {
    pageSize: config.DISPATCH_PAGE_SIZE,
    sendConcurrency: config.DISPATCH_SEND_CONCURRENCY,
    retryPolicy: DEFAULT_RETRY_POLICY,
    twilioFromNumber: config.TWILIO_FROM_NUMBER,
    twilioMessagesPerSecond: config.TWILIO_MESSAGES_PER_SECOND,
    twilioCallsPerSecond: config.TWILIO_CALLS_PER_SECOND,
    sendgridRequestsPerSecond: config.SENDGRID_REQUESTS_PER_SECOND,
    urgentSmsValiditySeconds: 3600,
  };
}

function createChannelSender(channel: Channel, config: AppConfig, limiter: ProviderRateLimiter, settings: DispatchSettings): ChannelSender {
  const providers = providerSettingsFrom(config);
  switch (channel) {
    case 'sms':
      return new SmsChannelSender(new TwilioSmsSender(providers.twilio), limiter, settings);
    case 'voice':
      return new VoiceChannelSender(new TwilioVoiceCaller(providers.twilio), limiter, settings);
    case 'email':
      return new EmailChannelSender(new SendGridEmailSender(providers.sendgrid), limiter, settings);
  }
}

/** Subscribes the channel's consumer group to issued alerts once the app is up. */
@Injectable()
class AlertConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('alert-consumer');
  private consumer: RunningConsumer | null = null;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: KafkaMessageBus,
    private readonly dispatcher: AlertDispatcher,
    @Inject(CHANNEL_SENDER) private readonly sender: ChannelSender,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const groupId = dispatcherGroup(this.sender.channel);
    this.consumer = await this.bus.consume({
      groupId,
      topics: [TOPICS.alerts],
      schema: alertIssuedV1,
      handle: async (message, context) => {
        await this.dispatcher.dispatch(message.value, context, message.headers[HEADERS.correlationId]);
      },
    });
    this.logger.log({ msg: 'consuming', groupId, topic: TOPICS.alerts });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

@Module({})
export class DispatcherModule {
  static forChannel(channel: Channel, config: AppConfig): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-dispatcher-${channel}` }),
        RedisModule.forRoot(config.REDIS_URL),
      ],
      controllers: [HealthController],
      providers: [
        { provide: DISPATCH_SETTINGS, useFactory: (c: AppConfig) => dispatchSettingsFrom(c), inject: [APP_CONFIG] },
        { provide: ProviderRateLimiter, useFactory: (redis: Redis) => new ProviderRateLimiter(redis), inject: [REDIS] },
        {
          provide: CHANNEL_SENDER,
          useFactory: (c: AppConfig, limiter: ProviderRateLimiter, settings: DispatchSettings) => createChannelSender(channel, c, limiter, settings),
          inject: [APP_CONFIG, ProviderRateLimiter, DISPATCH_SETTINGS],
        },
        {
          provide: AlertDispatcher,
          useFactory: (sender: ChannelSender, a: AlertRepository, r: ReferenceDataRepository, au: AudienceRepository, d: DeliveryRepository, s: DispatchSettings) =>
            new AlertDispatcher(sender, a, r, au, d, s),
          inject: [CHANNEL_SENDER, AlertRepository, ReferenceDataRepository, AudienceRepository, DeliveryRepository, DISPATCH_SETTINGS],
        },
        {
          provide: READINESS_CHECKS,
          useFactory: (db: DataSource, redis: Redis, bus: KafkaMessageBus): ReadinessCheck[] => [
            { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
            { name: 'redis', check: async () => void (await redis.ping()) },
            { name: 'kafka', check: () => bus.ping() },
          ],
          inject: [DataSource, REDIS, MESSAGE_BUS],
        },
        AlertConsumer,
      ],
    };
  }
}
