import { DynamicModule, Module } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Channel, DEFAULT_CIRCUIT_BREAKER, DEFAULT_RETRY_POLICY, LinkSigner, MEMBER_PAGE_PATHS, SmsRouteName, providerCallTimeoutMs } from '@bin-alert/domain';
import { MESSAGE_BUS, MessageBus, MessagingModule, OutboxRelay, POSTGRES_REDIS_KAFKA_READINESS } from '@bin-alert/messaging';
import {
  AlertRepository,
  ChannelFallbackRepository,
  DeliveryRepository,
  MemberNoticeRepository,
  MembershipRepository,
  OutboxRepository,
  PersistenceModule,
  PlanningRepository,
  ReferenceDataRepository,
  VoiceRedialRepository,
} from '@bin-alert/persistence';
import { ProviderSettings, SendGridEmailSender, TwilioSettings, TwilioSmsSender, TwilioVoiceCaller, providerSettingsFrom, twilioVoicesFrom } from '@bin-alert/providers';
import { APP_CONFIG, AppConfig, AppMetrics, ConfigModule, ObservabilityModule, STORES, Stores, StoresModule, memberLinkSecretFrom } from '@bin-alert/platform';
import { AlertExpander } from './alert-expander';
import { DeliveryJobSender } from './delivery-job.sender';
import { LaneGate } from './lane-gate';
import { CHANNEL_SENDER, ChannelSender } from './channel-sender';
import { DISPATCH_SETTINGS, DispatchSettings } from './dispatch-settings';
import { EmailChannelSender } from './email-channel.sender';
import { ProviderRateLimiter } from './provider-rate-limiter';
import { measuredProviders } from './provider-call-metrics';
import { SmsChannelSender } from './sms-channel.sender';
import { SmsRoute, SmsRoutes } from './sms-routes';
import { VoiceChannelSender } from './voice-channel.sender';
import { VoiceRedialScheduler } from './voice-redial.scheduler';
import { DeferredDeliveryReleaser } from './deferred-delivery.releaser';
import { ChannelFallbackSweeper } from './channel-fallback.sweeper';
import { MemberLinkSettings, MemberNoticeSender, memberLink } from './member-notice.sender';
import { DISPATCHER_CONSUMERS } from './dispatcher.consumers';
import { DispatcherPollers } from './dispatcher.pollers';

export interface DispatcherOptions {
  /** The dispatcher's clock for quiet hours and link expiry; tests move it forward. */
  clock?: () => Date;
}

export function dispatchSettingsFrom(config: AppConfig): DispatchSettings {
  return {
    pageSize: config.DISPATCH_PAGE_SIZE,
    jobSize: config.DISPATCH_JOB_SIZE,
    emailJobSize: config.DISPATCH_EMAIL_JOB_SIZE,
    jobPartitions: { urgent: config.KAFKA_PARTITIONS_JOBS_URGENT, normal: config.KAFKA_PARTITIONS_JOBS_NORMAL },
    leaseMs: config.DISPATCH_LEASE_MS,
    sendConcurrency: config.DISPATCH_SEND_CONCURRENCY,
    retryPolicy: DEFAULT_RETRY_POLICY,
    twilioFromNumber: config.TWILIO_FROM_NUMBER,
    trackerPublicUrl: config.TRACKER_PUBLIC_URL,
    twilioMessagesPerSecond: config.TWILIO_MESSAGES_PER_SECOND,
    smsRouting: {
      secondRouteFor: config.TWILIO_SECOND_ROUTE_FOR,
      secondMessagesPerSecond: config.TWILIO_SECOND_MESSAGES_PER_SECOND,
      breaker: {
        ...DEFAULT_CIRCUIT_BREAKER,
        windowSize: config.SMS_ROUTE_WINDOW,
        minimumOutcomes: config.SMS_ROUTE_MIN_CALLS,
        failureRateThreshold: config.SMS_ROUTE_FAILURE_RATE,
        openMs: config.SMS_ROUTE_OPEN_SECONDS * 1000,
      },
    },
    twilioCallsPerSecond: config.TWILIO_CALLS_PER_SECOND,
    sendgridRequestsPerSecond: config.SENDGRID_REQUESTS_PER_SECOND,
    urgentSmsValiditySeconds: 3600,
    voiceRedial: { maxRedials: config.VOICE_REDIALS, delaySeconds: config.VOICE_REDIAL_DELAY_SECONDS, pollMs: Math.min(5_000, config.VOICE_REDIAL_DELAY_SECONDS * 500) },
    smsSegmentBudget: config.SMS_SEGMENT_BUDGET,
    zoneDefaultLanguage: config.ZONE_DEFAULT_LANGUAGE,
  };
}

/** The first Twilio account's route, and the second's when configured, each limited at its own number. */
function smsRoutesFrom(providers: ProviderSettings, settings: DispatchSettings, metrics: AppMetrics): SmsRoutes {
  const route = (name: SmsRouteName, twilio: TwilioSettings, perSecond: number): SmsRoute => ({
    name,
    sender: measuredProviders.sms(new TwilioSmsSender(twilio), metrics),
    limit: { name: `twilio:messages:${twilio.fromNumber}`, perSecond },
  });
  const { secondRouteFor, secondMessagesPerSecond, breaker } = settings.smsRouting;
  const secondary = providers.twilioSecond ? route('secondary', providers.twilioSecond, secondMessagesPerSecond) : null;
  return new SmsRoutes(route('primary', providers.twilio, settings.twilioMessagesPerSecond), secondary, secondRouteFor, breaker);
}

function createChannelSender(
  channel: Channel,
  config: AppConfig,
  limiter: ProviderRateLimiter,
  settings: DispatchSettings,
  metrics: AppMetrics,
  links: MemberLinkSettings,
  deliveries: DeliveryRepository,
): ChannelSender {
  const configured = providerSettingsFrom(config);
  // A call under a lease is answered or given up before the lease ends (ADR 0025, providerCallTimeoutMs).
  const requestTimeoutMs = providerCallTimeoutMs(settings.leaseMs);
  const providers = {
    ...configured,
    twilio: { ...configured.twilio, requestTimeoutMs },
    twilioSecond: configured.twilioSecond && { ...configured.twilioSecond, requestTimeoutMs },
  };
  switch (channel) {
    case 'sms':
      return new SmsChannelSender(smsRoutesFrom(providers, settings, metrics), limiter, settings);
    case 'voice':
      return new VoiceChannelSender(measuredProviders.voice(new TwilioVoiceCaller(providers.twilio), metrics), limiter, settings, deliveries);
    case 'email':
      return new EmailChannelSender(measuredProviders.email(new SendGridEmailSender(providers.sendgrid), metrics), limiter, settings, {
        preferences: (memberId) => memberLink(links, MEMBER_PAGE_PATHS.preferences, links.signer.sign({ purpose: 'preferences', memberId }, links.clock())),
        unsubscribe: (memberId, category) => memberLink(links, MEMBER_PAGE_PATHS.unsubscribe, links.signer.sign({ purpose: 'unsubscribe', memberId, category }, links.clock())),
      });
  }
}

@Module({})
export class DispatcherModule {
  static forChannel(channel: Channel, config: AppConfig, options: DispatcherOptions = {}): DynamicModule {
    const clock = options.clock ?? (() => new Date());
    const links: MemberLinkSettings = {
      signer: new LinkSigner(memberLinkSecretFrom(config)),
      baseUrl: config.MEMBER_LINKS_BASE_URL,
      codeSecret: memberLinkSecretFrom(config),
      clock,
    };
    return {
      module: DispatcherModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, urgentPoolSize: config.DATABASE_URGENT_POOL_SIZE }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          clientId: `${config.KAFKA_CLIENT_ID}-dispatcher-${channel}`,
          mode: config.BIN_ALERT_MODE,
        }),
        StoresModule.forRoot(config),
        ObservabilityModule.forRoot({ app: `dispatcher-${channel}`, readiness: POSTGRES_REDIS_KAFKA_READINESS }),
      ],
      // The consumers are @EventPattern handlers, started by the app's MessageBusServer (ADR 0002).
      controllers: [DISPATCHER_CONSUMERS[channel]],
      providers: [
        { provide: DISPATCH_SETTINGS, useFactory: (c: AppConfig) => dispatchSettingsFrom(c), inject: [APP_CONFIG] },
        { provide: ProviderRateLimiter, useFactory: (stores: Stores, m: AppMetrics) => new ProviderRateLimiter(stores.buckets, m), inject: [STORES, AppMetrics] },
        {
          provide: CHANNEL_SENDER,
          useFactory: (c: AppConfig, limiter: ProviderRateLimiter, settings: DispatchSettings, m: AppMetrics, d: DeliveryRepository) =>
            createChannelSender(channel, c, limiter, settings, m, links, d),
          inject: [APP_CONFIG, ProviderRateLimiter, DISPATCH_SETTINGS, AppMetrics, DeliveryRepository],
        },
        // One gate per instance: urgent planning and urgent sending both hold its normal lane.
        { provide: LaneGate, useFactory: () => new LaneGate() },
        {
          provide: AlertExpander,
          useFactory: (bus: MessageBus, a: AlertRepository, r: ReferenceDataRepository, p: PlanningRepository, s: DispatchSettings, m: AppMetrics, gate: LaneGate) =>
            new AlertExpander(channel, bus, a, r, p, s, m, clock, gate),
          inject: [MESSAGE_BUS, AlertRepository, ReferenceDataRepository, PlanningRepository, DISPATCH_SETTINGS, AppMetrics, LaneGate],
        },
        {
          provide: DeliveryJobSender,
          useFactory: (sender: ChannelSender, d: DeliveryRepository, p: PlanningRepository, s: DispatchSettings, m: AppMetrics, gate: LaneGate) =>
            new DeliveryJobSender(sender, d, p, gate, s, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, m),
          inject: [CHANNEL_SENDER, DeliveryRepository, PlanningRepository, DISPATCH_SETTINGS, AppMetrics, LaneGate],
        },
        {
          provide: VoiceRedialScheduler,
          useFactory: (r: VoiceRedialRepository, o: OutboxRepository, bus: MessageBus, c: AppConfig, s: DispatchSettings, m: AppMetrics) =>
            new VoiceRedialScheduler(r, new OutboxRelay(o, bus, c.OUTBOX_POLL_MS, undefined, undefined, m), s),
          inject: [VoiceRedialRepository, OutboxRepository, MESSAGE_BUS, APP_CONFIG, DISPATCH_SETTINGS, AppMetrics],
        },
        {
          provide: ChannelFallbackSweeper,
          useFactory: (f: ChannelFallbackRepository, o: OutboxRepository, bus: MessageBus, c: AppConfig, s: DispatchSettings, m: AppMetrics) =>
            new ChannelFallbackSweeper(f, new OutboxRelay(o, bus, c.OUTBOX_POLL_MS, undefined, undefined, m), s, c.DISPATCH_FALLBACK_POLL_MS, clock, m),
          inject: [ChannelFallbackRepository, OutboxRepository, MESSAGE_BUS, APP_CONFIG, DISPATCH_SETTINGS, AppMetrics],
        },
        {
          provide: DeferredDeliveryReleaser,
          useFactory: (bus: MessageBus, d: DeliveryRepository, s: DispatchSettings) =>
            new DeferredDeliveryReleaser(
              channel,
              bus,
              d,
              { size: channel === 'email' ? s.emailJobSize : s.jobSize, partitions: s.jobPartitions },
              config.DISPATCH_DEFERRED_POLL_MS,
              s.zoneDefaultLanguage,
              clock,
            ),
          inject: [MESSAGE_BUS, DeliveryRepository, DISPATCH_SETTINGS],
        },
        {
          provide: MemberNoticeSender,
          useFactory: (n: MemberNoticeRepository, m: MembershipRepository, limiter: ProviderRateLimiter, s: DispatchSettings) => {
            const providers = providerSettingsFrom(config);
            return new MemberNoticeSender(n, m, links, limiter, s, {
              email: channel === 'email' ? new SendGridEmailSender(providers.sendgrid) : undefined,
              sms: channel === 'sms' ? new TwilioSmsSender(providers.twilio) : undefined,
              voice: channel === 'voice' ? { caller: new TwilioVoiceCaller(providers.twilio), voices: twilioVoicesFrom(config) } : undefined,
            });
          },
          inject: [MemberNoticeRepository, MembershipRepository, ProviderRateLimiter, DISPATCH_SETTINGS],
        },
        DispatcherPollers,
      ],
    };
  }
}
