import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
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
  // No consumers: the tracker applies the statuses it receives before publishing them (ADR 0041).
  // Signals are handled by serveApp's drain, not by Nest's shutdown hooks (ADR 0017).
  return serveApp(app, config, { name: 'tracker', port });
}
