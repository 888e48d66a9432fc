import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { connectMessageBusConsumers } from '@bin-alert/messaging';
import { AppConfig, configureHttpApp, createAppLogger, serveApp, startTracing } from '@bin-alert/platform';
import { TrackerModule } from './tracker.module';
import { serveTwilioStatusRoutes } from './webhooks/twilio-status-routes';

/**
 * Twilio posts forms and signs the parsed parameters; SendGrid posts JSON and signs the raw
 * bytes. Both parsers are registered, and `rawBody: true` keeps the bytes next to the parsed
 * JSON (req.rawBody) for the SendGrid signature.
 */
export async function startTracker(config: AppConfig, port = config.TRACKER_PORT): Promise<INestApplication> {
  startTracing(config, 'tracker');
  const app = await NestFactory.create<NestExpressApplication>(TrackerModule.forRoot(config), {
    logger: createAppLogger(config, 'tracker'),
    bodyParser: false,
    rawBody: true,
  });
  // On the bare node:http server, ahead of Express: the status callbacks read their own forms (ADR 0029).
  serveTwilioStatusRoutes(app);
  // SendGrid batches events: a busy minute of a large alert is several megabytes.
  configureHttpApp(app, { jsonLimit: '10mb', urlencoded: { limit: '256kb' }, shutdownHooks: false });
  // The delivery projection is an @EventPattern handler on the app's MessageBus (ADR 0002).
  connectMessageBusConsumers(app);
  // Signals are handled by serveApp's drain, not by Nest's shutdown hooks (ADR 0017). Callbacks
  // are taken while the projection joins its group: a tracker restarted after a crash answered
  // nothing for 30 s, and Twilio had given the callbacks up (docs/reliability.md, finding 4).
  return serveApp(app, config, { name: 'tracker', port, listenBeforeConsumers: true });
}
