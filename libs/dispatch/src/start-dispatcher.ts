import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Channel } from '@bin-alert/domain';
import { AppConfig, configureHttpApp, createAppLogger, serveApp, startTracing } from '@bin-alert/platform';
import { DispatcherModule, DispatcherOptions } from './dispatcher.module';

const PORT_OF: Record<Channel, keyof AppConfig> = { sms: 'DISPATCHER_SMS_PORT', email: 'DISPATCHER_EMAIL_PORT', voice: 'DISPATCHER_VOICE_PORT' };

/** Boots one channel's dispatcher: Kafka consumer plus a small HTTP server for health. */
export async function startDispatcher(channel: Channel, config: AppConfig, port = config[PORT_OF[channel]] as number, options: DispatcherOptions = {}): Promise<INestApplication> {
  startTracing(config, `dispatcher-${channel}`);
  const app = await NestFactory.create<NestExpressApplication>(DispatcherModule.forChannel(channel, config, options), {
    logger: createAppLogger(config, `dispatcher-${channel}`),
    bodyParser: false,
  });
  configureHttpApp(app, { shutdownHooks: false });
  // Signals are handled by serveApp's drain, not by Nest's shutdown hooks (ADR 0017).
  return serveApp(app, config, { name: `dispatcher-${channel}`, port });
}
