import type { NestExpressApplication } from '@nestjs/platform-express';
import { urlencoded } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { HttpExceptionFilter } from './http-exception.filter';
import { RefusalStatus, RequestValidationError } from './request-validation.error';

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
 * A body the parsers could not read, as the 4xx it is: 413 past the limit (the decompressed size
 * counts, so a small gzip bomb is too large too), 415 for a Content-Encoding or charset they do not
 * decode, 400 for everything else the client sent wrong (malformed JSON or form, gzip that is not
 * gzip, a body shorter than its Content-Length). Anything else is not the client's doing: null.
 */
function bodyRefusal(error: unknown, req: Request, options: HttpAppOptions): RequestValidationError | null {
  const parserError = error as { type?: unknown; status?: unknown; expose?: unknown; encoding?: unknown; charset?: unknown } | null;
  if (parserError === null || typeof parserError !== 'object') return null;
  const isForm = req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
  const isText = options.text !== undefined && Boolean(req.is(options.text.types));
  const limit = (isForm ? options.urlencoded?.limit : isText ? options.text?.limit : options.jsonLimit) ?? '1mb';
  const refuse = (reason: string, status: RefusalStatus = 400) => new RequestValidationError([{ field: 'body', code: status === 413 ? 'too_big' : 'unreadable', reason }], status);
  switch (parserError.type) {
    case 'entity.parse.failed':
      return refuse(isForm ? 'malformed form' : 'malformed JSON');
    case 'entity.too.large':
      return refuse(`larger than ${limit}`, 413);
    case 'parameters.too.many':
      return refuse('a form with too many fields', 413);
    case 'encoding.unsupported':
      return refuse(`Content-Encoding '${String(parserError.encoding)}' is not supported; send identity, gzip, deflate or br`, 415);
    case 'charset.unsupported':
      return refuse(`charset '${String(parserError.charset)}' is not supported; send UTF-8`, 415);
    case 'request.size.invalid':
      return refuse('shorter or longer than its Content-Length');
    case 'request.aborted':
      return refuse('the client stopped sending it');
  }
  if (parserError.expose !== true || typeof parserError.status !== 'number' || parserError.status < 400 || parserError.status >= 500) return null;
  // What is left is the decompressor's: zlib and brotli name the fault in their own words.
  const encoding = req.headers['content-encoding'];
  return refuse(encoding && encoding !== 'identity' ? `not ${encoding} data, as its Content-Encoding says` : 'unreadable');
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

/**
 * Reads a form body as the app's own parser does (same limits, encodings and refusals), for a
 * route served before Nest's pipeline (ADR 0022): resolves with the parsed form, rejects with
 * the RequestValidationError the app would answer.
 */
export function formBodyReader(limit: string): (req: Request, res: Response) => Promise<Record<string, unknown>> {
  const parse = urlencoded({ extended: false, limit });
  const options: HttpAppOptions = { urlencoded: { limit } };
  return (req, res) =>
    new Promise((resolve, reject) =>
      parse(req, res, (error?: unknown) => (error ? reject(bodyRefusal(error, req, options) ?? error) : resolve((req.body as Record<string, unknown> | undefined) ?? {}))),
    );
}
