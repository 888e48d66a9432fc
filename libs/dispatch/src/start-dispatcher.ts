import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Channel } from '@bin-alert/domain';
import { connectMessageBusConsumers } from '@bin-alert/messaging';
import { AppConfig, configureHttpApp, createAppLogger, serveApp, startTracing } from '@bin-alert/platform';
import { DispatcherModule, DispatcherOptions } from './dispatcher.module';

const PORT_OF: Record<Channel, keyof AppConfig> = { sms: 'DISPATCHER_SMS_PORT', email: 'DISPATCHER_EMAIL_PORT', voice: 'DISPATCHER_VOICE_PORT' };

/** Boots one channel's dispatcher: its consumers (Kafka, or the in-process bus in standalone mode) plus a small HTTP server for health. */
export async function startDispatcher(channel: Channel, config: AppConfig, port = config[PORT_OF[channel]] as number, options: DispatcherOptions = {}): Promise<INestApplication> {
  startTracing(config, `dispatcher-${channel}`);
  const app = await NestFactory.create<NestExpressApplication>(DispatcherModule.forChannel(channel, config, options), {
    logger: createAppLogger(config, `dispatcher-${channel}`),
    bodyParser: false,
  });
  configureHttpApp(app, { shutdownHooks: false });
  // The expanders, senders and notice senders are @EventPattern handlers on the app's MessageBus (ADR 0002).
  connectMessageBusConsumers(app);
  // Signals are handled by serveApp's drain, not by Nest's shutdown hooks (ADR 0017). The port opens
  // once the consumers run: readiness and the first request find them consuming.
  return serveApp(app, config, { name: `dispatcher-${channel}`, port });
}
