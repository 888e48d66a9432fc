import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream';
import { urlencoded } from 'express';
import { bodyRefusal, mediaTypeOf } from './body-refusal';

/** A flat form (or query): repeated keys become arrays, brackets mean nothing. */
export type FlatForm = Record<string, string | string[]>;

const FORM_TYPE = 'application/x-www-form-urlencoded';
/** The form parser's default (body-parser's parameterLimit): past it the form is refused with 413. */
const MAX_FORM_FIELDS = 1000;
const SIZE = /^(\d+)(b|kb|mb)$/i;
const UNIT = { b: 1, kb: 1024, mb: 1024 * 1024 } as const;

/** `256kb` as bytes: the limits are written as the app's body parsers take them. */
export function byteLimit(limit: string): number {
  const match = SIZE.exec(limit);
  if (!match) throw new Error(`not a size: '${limit}' (write 100b, 256kb or 1mb)`);
  return Number(match[1]) * UNIT[match[2].toLowerCase() as keyof typeof UNIT];
}

/** The path of a request URL without its query (Express's req.path for a route at the app's root). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The query of a request URL, parsed flat like a form (Express's default `simple` query parser does the same). */
export function queryOf(url: string | undefined): FlatForm {
  const query = url === undefined ? -1 : url.indexOf('?');
  return query === -1 ? {} : parseFlatForm((url as string).slice(query + 1));
}

/**
 * An `application/x-www-form-urlencoded` text, flat: a key or value that is not valid percent
 * encoding is kept as it came, as the app's parser (qs) does; empty keys and `__proto__` are dropped.
 */
export function parseFlatForm(text: string): FlatForm {
  const form: FlatForm = {};
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      const equals = text.indexOf('=', start);
      const hasValue = equals !== -1 && equals < end;
      const key = decodeFormText(text.slice(start, hasValue ? equals : end));
      if (key !== '' && key !== '__proto__') {
        const value = hasValue ? decodeFormText(text.slice(equals + 1, end)) : '';
        const previous = form[key];
        form[key] = previous === undefined ? value : typeof previous === 'string' ? [previous, value] : [...previous, value];
      }
    }
    start = end + 1;
  }
  return form;
}

function decodeFormText(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * Reads a form body as the app's own parser does (same limit, field count, encodings and
 * refusals), on a bare node:http request: for a route served ahead of Express (ADR 0029). The
 * common case, an uncompressed UTF-8 form, is read here without Express's parser (its type
 * checks, stream wrappers and qs cost more than the callback's work); anything else (a
 * Content-Encoding, another charset, another type) goes to that parser, refused alike. Resolves
 * with the form ({} when the body is not a form), rejects with the RequestValidationError the
 * app would answer.
 */
export function formBodyReader(limit: string): (req: IncomingMessage, res: ServerResponse) => Promise<FlatForm> {
  const maxBytes = byteLimit(limit);
  const parse = urlencoded({ extended: false, limit });
  const options = { urlencoded: { limit } };
  const parsed = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<FlatForm>((resolve, reject) =>
      parse(req as never, res as never, (error?: unknown) =>
        error ? reject(bodyRefusal(error, req, options) ?? error) : resolve(((req as { body?: FlatForm }).body as FlatForm | undefined) ?? {}),
      ),
    );
  return (req, res) => {
    const { headers } = req;
    const contentType = headers['content-type'];
    const plain =
      (headers['content-encoding'] === undefined || headers['content-encoding'].toLowerCase() === 'identity') &&
      contentType !== undefined &&
      mediaTypeOf(contentType) === FORM_TYPE &&
      isUtf8(contentType);
    if (!plain) return parsed(req, res);
    return readPlainForm(req, maxBytes).catch((error: unknown) => Promise.reject(bodyRefusal(error, req, options) ?? error));
  };
}

/** No charset, or UTF-8 (the only one Twilio sends). */
function isUtf8(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType);
  return charset === null || charset[1].toLowerCase() === 'utf-8';
}

/** A parser's error as body-parser types them, so that the one mapping (bodyRefusal) answers it. */
function parserError(type: string): { type: string; status: number; expose: true } {
  return { type, status: type === 'entity.too.large' || type === 'parameters.too.many' ? 413 : 400, expose: true };
}

function readPlainForm(req: IncomingMessage, maxBytes: number): Promise<FlatForm> {
  const declared = req.headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stopReading = () => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onAborted);
      req.removeListener('close', onAborted);
    };
    // The refusal is answered once the body is read off, as the app's parser does: a client
    // still sending would otherwise see its connection reset before it reads the answer.
    const refuse = (type: string) => {
      stopReading();
      if (req.readableEnded || req.destroyed) return reject(parserError(type));
      finished(req, () => reject(parserError(type)));
      req.resume();
    };
    function onData(chunk: Buffer): void {
      received += chunk.length;
      if (received > maxBytes) refuse('entity.too.large');
      else chunks.push(chunk);
    }
    function onEnd(): void {
      stopReading();
      if (length !== undefined && received !== length) return void reject(parserError('request.size.invalid'));
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
      if (fieldCount(text) > MAX_FORM_FIELDS) return void reject(parserError('parameters.too.many'));
      resolve(text === '' ? {} : parseFlatForm(text));
    }
    // Closed or failed before its end: the client went away mid-body.
    function onAborted(): void {
      stopReading();
      reject(parserError('request.aborted'));
    }
    if (length !== undefined && length > maxBytes) return refuse('entity.too.large');
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAborted);
    req.once('close', onAborted);
  });
}

function fieldCount(text: string): number {
  let count = 1;
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1)) count += 1;
  return count;
}
