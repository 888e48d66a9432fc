import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { HttpExceptionFilter } from './http-exception.filter';
import { bodyRefusal } from './body-refusal';

export interface HttpAppOptions {
  jsonLimit?: string;
  /**
   * Also parse `application/x-www-form-urlencoded` bodies (what Twilio's webhooks post), flat:
   * repeated keys become arrays, brackets mean nothing.
   */
  urlencoded?: { limit?: string };
  /** Also read these media types as text into `req.body` (CAP XML on intake). */
  text?: { types: string[]; limit?: string };
  /**
   * Close the app on SIGINT/SIGTERM (default). Standalone mode turns this off: its process owns
   * the signals and closes the apps in order, then the embedded database.
   */
  shutdownHooks?: boolean;
}

/**
 * What every HTTP app of the system shares: JSON bodies, error mapping, graceful shutdown.
 * Create the app with `bodyParser: false`: the parser is registered here so that a malformed
 * body can be answered like every other bad input, with the field and the reason. Create it
 * with `rawBody: true` as well to keep the exact bytes in `req.rawBody` (signed webhooks).
 */
export function configureHttpApp(app: NestExpressApplication, options: HttpAppOptions = {}): NestExpressApplication {
  app.useBodyParser('json', { limit: options.jsonLimit ?? '1mb' });
  if (options.urlencoded) app.useBodyParser('urlencoded', { extended: false, limit: options.urlencoded.limit ?? '1mb' });
  if (options.text) app.useBodyParser('text', { type: options.text.types, limit: options.text.limit ?? '1mb' });
  app.use((error: unknown, req: Request, _res: Response, next: NextFunction) => next(bodyRefusal(error, req, options) ?? error));
  app.useGlobalFilters(new HttpExceptionFilter());
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}
