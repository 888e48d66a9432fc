import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

/**
 * Requests for an HTTP fuzzer, generated from an OpenAPI 3.1 document: per operation, its path and
 * query parameters and its body from their JSON Schemas, valid-shaped or hostile (wrong types,
 * empty and huge strings, control characters, lone surrogates, deep nesting, wrong media types and
 * encodings, forged tokens). Pure: sending them is the caller's business.
 */

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** As the document writes it: /v1/alerts/{id} */
  path: string;
  pathParameters: Array<{ name: string; schema: JsonSchema }>;
  queryParameters: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  /** The JSON body's schema, when the operation takes one. */
  body?: JsonSchema;
  /** Media types its body may come in: the documented ones, and those its description names. */
  mediaTypes: string[];
  isPublic: boolean;
  roles: string[];
}

export const CAP_MEDIA_TYPE = 'application/cap+xml';
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** Every operation of the document. The media types the description speaks of count as documented. */
export function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = (operation.parameters as OpenApiParameter[] | undefined) ?? [];
      const content = (operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content ?? {};
      const description = String(operation.description ?? '');
      const mediaTypes = Object.keys(content);
      if (description.includes(CAP_MEDIA_TYPE)) mediaTypes.push(CAP_MEDIA_TYPE);
      if (/form-encoded/i.test(description)) mediaTypes.push(FORM_MEDIA_TYPE);
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParameters: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } })),
        queryParameters: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' }, required: p.required === true })),
        body: content['application/json']?.schema,
        mediaTypes,
        isPublic: Array.isArray(operation.security) && operation.security.length === 0,
        roles: (operation['x-roles'] as string[] | undefined) ?? [],
      });
    }
  }
  return operations;
}

/** Strings that have broken servers: controls, halves of surrogate pairs, markup, injections, sizes. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '\u0007\u001b[31mred',
  '\u007f',
  '\u0085',
  '\ufeff',
  '\ufffe',
  '\u202eevil',
  'e\u0301',
  '😀',
  '𝒳',
  'null',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  "' OR 1=1 --",
  "'; DROP TABLE alerts; --",
  '../../../../etc/passwd',
  '..%2F..%2Fpackage.json',
  '%00',
  '%',
  '\\',
  '<script>alert(1)</script>',
  '&nbsp;&#0;&',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent literally
  '${7*7}',
  '\r\n\r\n',
  '\t',
  '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
  '00000000-0000-0000-0000-000000000000',
  '2026-02-30T25:61:00Z',
  '99999-01-01',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '2026-13-01',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999+14:00',
  '1969-12-31T23:59:59-12:00',
  '+32470000000',
  'a'.repeat(10_000),
  'é'.repeat(2_000),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udfff', '\u001f', 'a', 'é', '\u0301', '\n'), maxLength: 20 }) },
);

const deepArray = fc.integer({ min: 2, max: 2_000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
});

const deepObject = fc.integer({ min: 2, max: 2_000 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});

/** Any JSON value a schema did not ask for. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1e308, -1, 2 ** 53 + 1, 2 ** 63)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(...['__proto__', 'constructor', 'prototype'].map((key) => JSON.parse(`{"${key}": {"polluted": true}}`) as unknown)) },
  { weight: 1, arbitrary: fc.oneof(deepArray, deepObject) },
  { weight: 1, arbitrary: fc.array(fc.constant('x'), { minLength: 1_000, maxLength: 5_000 }) },
);

/** Values known to the server, by parameter or property name, so that requests get past "not found". */
export type Hints = Record<string, readonly unknown[]>;

/**
 * A value for a schema: what the schema allows (a hint first, where the name has one), or, with
 * probability `hostility` at each node, something else entirely.
 */
export function valueFor(schema: JsonSchema, name: string, hints: Hints, hostility: number, depth = 0): fc.Arbitrary<unknown> {
  const valid = validValueFor(schema, name, hints, hostility, depth);
  if (hostility <= 0) return valid;
  const hostileWeight = Math.max(1, Math.round(hostility * 100));
  return fc.oneof({ weight: 100 - hostileWeight, arbitrary: valid }, { weight: hostileWeight, arbitrary: hostileValue });
}

function validValueFor(schema: JsonSchema, name: string, hints: Hints, hostility: number, depth: number): fc.Arbitrary<unknown> {
  const hinted = (hints[name] ?? []).filter((value) => fitsType(value, schema));
  const shaped = shapedValueFor(schema, name, hints, hostility, depth);
  return hinted && hinted.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: shaped }) : shaped;
}

/** A hint is for a field of its own type: `bins` is a comma-separated string in a query and an array in a body. */
function fitsType(value: unknown, schema: JsonSchema): boolean {
  if (schema.enum) return schema.enum.includes(value);
  if (!schema.type) return true;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

function shapedValueFor(schema: JsonSchema, name: string, hints: Hints, hostility: number, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices && choices.length > 0) return fc.oneof(...choices.map((choice) => valueFor(choice, name, hints, hostility, depth)));
  if (schema.allOf && schema.allOf.length > 0) return valueFor(Object.assign({}, ...schema.allOf) as JsonSchema, name, hints, hostility, depth);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['string'];
  return fc.oneof(...types.map((type) => valueOfType(type, schema, name, hints, hostility, depth)));
}

function valueOfType(type: string, schema: JsonSchema, name: string, hints: Hints, hostility: number, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000, noNaN: true });
    case 'array': {
      const items = schema.items ?? {};
      const maxLength = Math.min(schema.maxItems ?? 4, 4);
      return fc.array(valueFor(items, singular(name), hints, hostility, depth + 1), { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength });
    }
    case 'object': {
      if (depth > 6) return fc.constant({});
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties)) record[key] = valueFor(property, key, hints, hostility, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in properties) }).map((value) => value as unknown);
    }
    default:
      return stringFor(schema);
  }
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid({ version: 4 });
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(schema.maxLength ?? 1_000)) },
  );
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}

export interface FuzzRequest {
  method: string;
  /** With the query string. */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** What the body was before encoding, for the report. */
  shown?: string;
}

export interface RequestContext {
  hints: Hints;
  /** Authorization header values: for each role, and forged, expired and malformed ones. */
  tokens: { forRole: (role: string) => string; hostile: readonly string[] };
  /** A valid CAP 1.2 document with a fresh identifier each call (its expiry ahead). */
  capDocument: (identifier: string) => string;
}

const HOSTILE_MEDIA_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=----fuzz',
  'application/json; charset=utf-16',
  'application/json; charset=koi8-r',
  `${FORM_MEDIA_TYPE}; charset=ebcdic`,
  'application/octet-stream',
  'garbage',
  '',
];

/** A request for the operation: parameters, token, media type, encoding and body, any of them hostile. */
export function requestFor(operation: Operation, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  const hostility = fc.constantFrom(0, 0, 0.05, 0.2, 0.6);
  return hostility.chain((level) =>
    fc
      .record({
        path: pathFor(operation, context, level),
        query: queryFor(operation, context, level),
        authorization: authorizationFor(operation, context),
        payload: payloadFor(operation, context, level),
        encoding: fc.oneof(
          { weight: 12, arbitrary: fc.constant('') },
          { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'fake-gzip', 'compress', 'zstd', 'gzip, br', 'GZIP') },
        ),
        correlationId: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('x'.repeat(500), 'fuzz-correlation', '../../') }),
      })
      .map(({ path, query, authorization, payload, encoding, correlationId }) => {
        const headers: Record<string, string> = {};
        if (authorization) headers.authorization = authorization;
        if (payload.mediaType !== undefined) headers['content-type'] = payload.mediaType;
        if (correlationId) headers['x-correlation-id'] = correlationId;
        const body = payload.text === undefined ? undefined : encode(Buffer.from(payload.text, 'utf8'), encoding, headers);
        return { method: operation.method, url: `${path}${query}`, headers, body, shown: payload.text === undefined ? undefined : payload.text.slice(0, 2_000) };
      }),
  );
}

function encode(body: Buffer, encoding: string, headers: Record<string, string>): Uint8Array {
  if (encoding === '') return body;
  if (encoding === 'fake-gzip') {
    headers['content-encoding'] = 'gzip';
    return body;
  }
  headers['content-encoding'] = encoding;
  if (encoding === 'gzip' || encoding === 'GZIP') return gzipSync(body);
  if (encoding === 'deflate') return deflateSync(body);
  if (encoding === 'br') return brotliCompressSync(body);
  return body;
}

function pathFor(operation: Operation, context: RequestContext, hostility: number): fc.Arbitrary<string> {
  if (operation.pathParameters.length === 0) return fc.constant(operation.path);
  const segments = operation.pathParameters.map((parameter) =>
    fc.oneof(
      {
        weight: 20,
        arbitrary: valueFor(parameter.schema, parameter.name, context.hints, hostility).map((v) => percentEncoded(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'))),
      },
      { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%ED%A0%80', '%C0%AF', '%2e%2e', '..%2F..%2Fpackage.json', 'a'.repeat(5_000), '%00', '%F0%9F%98%80') },
    ),
  );
  return fc.tuple(...segments).map((values) => operation.pathParameters.reduce((path, parameter, i) => path.replace(`{${parameter.name}}`, values[i]), operation.path));
}

/** encodeURIComponent, except that half a surrogate pair goes as UTF-8 does (U+FFFD) instead of throwing. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

function queryFor(operation: Operation, context: RequestContext, hostility: number): fc.Arbitrary<string> {
  const parameters = operation.queryParameters.map((parameter) =>
    fc.oneof(
      { weight: parameter.required ? 0 : 2, arbitrary: fc.constant<unknown>(undefined) },
      { weight: 6, arbitrary: valueFor(parameter.schema, parameter.name, context.hints, hostility) },
      { weight: 1, arbitrary: fc.array(valueFor(parameter.schema, parameter.name, context.hints, hostility), { minLength: 2, maxLength: 3 }) },
    ),
  );
  const extra = fc.oneof(
    { weight: 10, arbitrary: fc.constant<Array<[string, string]>>([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(hostileString, hostileString), { maxLength: 3 }) },
  );
  return fc.tuple(fc.tuple(...parameters), extra).map(([values, extras]) => {
    const query = new URLSearchParams();
    operation.queryParameters.forEach((parameter, i) => {
      const value = values[i];
      if (value === undefined) return;
      for (const each of Array.isArray(value) ? value : [value]) query.append(parameter.name, typeof each === 'string' ? each : (JSON.stringify(each) ?? ''));
    });
    for (const [key, value] of extras) query.append(key, value);
    const text = query.toString();
    return text ? `?${text}` : '';
  });
}

function authorizationFor(operation: Operation, context: RequestContext): fc.Arbitrary<string | undefined> {
  const roles = operation.roles.length > 0 ? operation.roles : ['operator', 'supervisor', 'board', 'admin'];
  return fc.oneof(
    { weight: operation.isPublic ? 1 : 12, arbitrary: fc.constantFrom(...roles).map((role) => context.tokens.forRole(role)) },
    { weight: 1, arbitrary: fc.constantFrom('operator', 'supervisor', 'board', 'admin').map((role) => context.tokens.forRole(role)) },
    { weight: 1, arbitrary: fc.constantFrom(...context.tokens.hostile) },
    { weight: operation.isPublic ? 8 : 1, arbitrary: fc.constant(undefined) },
  );
}

interface Payload {
  mediaType?: string;
  text?: string;
}

function payloadFor(operation: Operation, context: RequestContext, hostility: number): fc.Arbitrary<Payload> {
  const documented: Array<fc.WeightedArbitrary<Payload>> = operation.mediaTypes.map((mediaType) => ({
    weight: 8,
    arbitrary: documentedPayload(operation, context, mediaType, hostility),
  }));
  return fc.oneof(
    ...documented,
    { weight: operation.mediaTypes.length === 0 ? 6 : 1, arbitrary: fc.constant<Payload>({}) },
    { weight: 2, arbitrary: fc.record({ mediaType: fc.constantFrom(...HOSTILE_MEDIA_TYPES, 'application/json', FORM_MEDIA_TYPE, CAP_MEDIA_TYPE), text: rawBody }) },
  );
}

function documentedPayload(operation: Operation, context: RequestContext, mediaType: string, hostility: number): fc.Arbitrary<Payload> {
  if (mediaType === CAP_MEDIA_TYPE) return capText(context).map((text) => ({ mediaType, text }));
  const schema = operation.body ?? { type: 'object', properties: Object.fromEntries(Object.keys(context.hints).map((key) => [key, { type: 'string' }])) };
  const value = valueFor(schema, 'body', context.hints, hostility);
  if (mediaType === FORM_MEDIA_TYPE) return value.map((v) => ({ mediaType, text: formOf(v) }));
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => ({ mediaType, text: JSON.stringify(v) ?? 'null' })) },
    { weight: 1, arbitrary: rawBody.map((text) => ({ mediaType, text })) },
  );
}

function formOf(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return new URLSearchParams({ value: JSON.stringify(value) ?? '' }).toString();
  const form = new URLSearchParams();
  for (const [key, field] of Object.entries(value)) {
    for (const each of Array.isArray(field) ? field : [field]) form.append(key, typeof each === 'string' ? each : (JSON.stringify(each) ?? ''));
  }
  return form.toString();
}

/** Bodies no schema produces: broken JSON, deep nesting, odd bytes. */
const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'null',
    '"a string"',
    '123',
    '[]',
    '{',
    '{"a":',
    '{"a":1,"a":2}',
    '\ufeff{}',
    '{"__proto__":{"admin":true}}',
    '{"texts":{"nl":{"title":"\\ud800","body":"\\u0000"}}}',
    '<?xml version="1.0"?><a/>',
    'a=1&a=2&b[c]=3',
  ),
  fc.integer({ min: 100, max: 100_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 100, max: 50_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** CAP documents: the valid sample, then changes that break it in the ways the reader must notice. */
function capText(context: RequestContext): fc.Arbitrary<string> {
  const change = fc.oneof(
    fc.constant((x: string) => x),
    hostileString.map((s) => (x: string) => x.replace(/<headline>[^<]*<\/headline>/, `<headline>${s}</headline>`)),
    fc
      .constantFrom('&nbsp;', '&#233;', '&#xE9;', '&#0;', '&#x110000;', '&#xD800;', '&amp;#233;', '&', '&lt;b&gt;', '&#60;script&#62;', '<![CDATA[&amp; <b>]]>', '\u0000', '\ud800')
      .map((s) => (x: string) => x.replace('Vermiste', `Vermiste${s}`)),
    fc.integer({ min: 10, max: 30_000 }).map((depth) => (x: string) => x.replace('<info>', `${'<info>'.repeat(depth)}${'</info>'.repeat(depth - 1)}<info>`)),
    fc.constant((x: string) => x.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x "xx">]>')),
    fc.nat().map((n) => (x: string) => x.slice(0, n % x.length)),
    fc
      .constantFrom('identifier', 'sender', 'sent', 'status', 'msgType', 'scope', 'info', 'area', 'headline', 'language')
      .map((tag) => (x: string) => x.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`), '')),
    fc.constant((x: string) => x.replace('urn:oasis:names:tc:emergency:cap:1.2', 'urn:oasis:names:tc:emergency:cap:1.1')),
    fc.constant((x: string) => x.replace(/<info>[\s\S]*<\/info>/, (info) => info.repeat(50))),
    fc.constant((x: string) => x.replace('<msgType>Alert</msgType>', '<msgType>Update</msgType><references>a,b,c d,e,f</references>')),
  );
  return fc.tuple(fc.uuid(), fc.array(change, { maxLength: 3 })).map(([id, changes]) => changes.reduce((xml, f) => f(xml), context.capDocument(`FUZZ-${id}`)));
}

/** A request as a reader can replay it with curl. */
export function describeRequest(request: FuzzRequest): string {
  const headers = Object.entries(request.headers).map(([k, v]) => `-H '${k}: ${v.length > 80 ? `${v.slice(0, 80)}…` : v}'`);
  return [
    `${request.method} ${request.url.length > 300 ? `${request.url.slice(0, 300)}…` : request.url}`,
    ...headers,
    request.shown !== undefined ? `body (${request.body?.length ?? 0} bytes sent): ${JSON.stringify(request.shown.slice(0, 500))}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
