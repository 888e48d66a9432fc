import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { HttpExceptionFilter } from './http-exception.filter';
import { RequestValidationError } from './request-validation.error';

/**
 * What every HTTP app of the system shares: JSON bodies, error mapping, graceful shutdown.
 * Create the app with `bodyParser: false`: the parser is registered here so that a malformed
 * body can be answered like every other bad input, with the field and the reason.
 */
export function configureHttpApp(app: NestExpressApplication, options: { jsonLimit?: string } = {}): NestExpressApplication {
  app.useBodyParser('json', { limit: options.jsonLimit ?? '1mb' });
  app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const parserError = error as { type?: string; message?: string } | undefined;
    if (parserError?.type === 'entity.parse.failed') return next(new RequestValidationError([{ field: 'body', reason: 'malformed JSON' }]));
    if (parserError?.type === 'entity.too.large') return next(new RequestValidationError([{ field: 'body', reason: `larger than ${options.jsonLimit ?? '1mb'}` }]));
    return next(error);
  });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  return app;
}
