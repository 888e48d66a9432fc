import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Channel } from '@bin-alert/domain';
import { AppConfig, configureHttpApp, createAppLogger } from '@bin-alert/platform';
import { DispatcherModule, DispatcherOptions } from './dispatcher.module';

const PORT_OF: Record<Channel, keyof AppConfig> = { sms: 'DISPATCHER_SMS_PORT', email: 'DISPATCHER_EMAIL_PORT', voice: 'DISPATCHER_VOICE_PORT' };

/** Boots one channel's dispatcher: Kafka consumer plus a small HTTP server for health. */
export async function startDispatcher(channel: Channel, config: AppConfig, port = config[PORT_OF[channel]] as number, options: DispatcherOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(DispatcherModule.forChannel(channel, config, options), {
    logger: createAppLogger(config, `dispatcher-${channel}`),
    bodyParser: false,
  });
  configureHttpApp(app, { shutdownHooks: config.BIN_ALERT_MODE !== 'standalone' });
  await app.listen(port, '127.0.0.1');
  return app;
}
