import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, configureHttpApp, createAppLogger, serveApp, startTracing } from '@bin-alert/platform';
import { IntakeModule, IntakeOptions } from './intake.module';
import { CAP_MEDIA_TYPE } from './alerts/alerts.controller';

export async function startIntake(config: AppConfig, port = config.INTAKE_PORT, options: IntakeOptions = {}): Promise<INestApplication> {
  startTracing(config, 'intake');
  const app = await NestFactory.create<NestExpressApplication>(IntakeModule.forRoot(config, options), { logger: createAppLogger(config, 'intake'), bodyParser: false });
  configureHttpApp(app, { text: { types: [CAP_MEDIA_TYPE] }, urlencoded: { limit: '32kb' }, shutdownHooks: false });
  // Signals are handled by serveApp's drain, not by Nest's shutdown hooks (ADR 0017).
  return serveApp(app, config, { name: 'intake', port });
}
