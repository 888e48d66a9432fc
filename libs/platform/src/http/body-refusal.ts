import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { HttpAppOptions } from './configure-http-app';
import { RefusalStatus, RequestValidationError } from './request-validation.error';

/** The media type of a Content-Type header, lower case, without its parameters. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * A body the parsers could not read, as the 4xx it is: 413 past the limit (the decompressed size
 * counts, so a small gzip bomb is too large too), 415 for a Content-Encoding or charset they do not
 * decode, 400 for everything else the client sent wrong (malformed JSON or form, gzip that is not
 * gzip, a body shorter than its Content-Length). Anything else is not the client's doing: null.
 */
export function bodyRefusal(error: unknown, req: IncomingMessage, options: HttpAppOptions): RequestValidationError | null {
  const parserError = error as { type?: unknown; status?: unknown; expose?: unknown; encoding?: unknown; charset?: unknown } | null;
  if (parserError === null || typeof parserError !== 'object') return null;
  const isForm = mediaTypeOf(req.headers['content-type']) === 'application/x-www-form-urlencoded';
  // Only the app's own parsers read text, and they run on Express's request.
  const isText = options.text !== undefined && Boolean((req as Request).is(options.text.types));
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
