import { zodToJsonSchema } from 'zod-to-json-schema';
import type { ZodTypeAny } from 'zod';
import { ERROR_CODES, FIELD_PROBLEM_CODES, type StaffRole } from '@bin-alert/domain';
import { HTTP_STATUS_OF_KIND } from '../http/http-exception.filter';
import type { OperationDoc, ResponseDoc } from './api-doc.decorator';

/** One handler as Nest registered it, with what the code says about it. */
export interface DocumentedRoute {
  method: string;
  /** Express style: /v1/alerts/:id */
  path: string;
  isPublic: boolean;
  roles?: StaffRole[];
  doc?: OperationDoc;
}

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonObject = Record<string, unknown>;

/**
 * The answer every error gets (HttpExceptionFilter): described once, referenced everywhere. Its
 * codes are listed from the domain's own tables, so a new code is documented the day it exists.
 */
const ERROR_SCHEMA: JsonObject = {
  type: 'object',
  required: ['statusCode', 'error', 'code', 'message', 'correlationId'],
  properties: {
    statusCode: { type: 'integer', examples: [400] },
    error: { type: 'string', examples: ['Bad Request'] },
    code: {
      description: [
        'What went wrong, stable: act on it and translate it rather than reading `message`, whose words may change; a client meeting a code it does not know shows `message`.',
        `A refusal of the system gives one of the codes below; its status follows from its kind (${Object.entries(HTTP_STATUS_OF_KIND)
          .map(([kind, status]) => `${kind} ${status}`)
          .join(', ')}).`,
        'A refusal about HTTP itself (an unknown route or asset) and an unexpected error give `http.` and the status name: `http.not_found`, `http.internal_server_error`.',
        '',
        ...Object.entries(ERROR_CODES).map(([code, kind]) => `- \`${code}\`: ${kind}`),
      ].join('\n'),
      type: 'string',
      anyOf: [{ enum: Object.keys(ERROR_CODES) }, { pattern: '^http\\.[a-z_]+$' }],
      examples: ['input.invalid', 'alert.not_allowed'],
    },
    message: { type: 'string', description: 'The same in English words, for a person; may change.', examples: ['The request is invalid.'] },
    errors: {
      description: 'With `input.invalid`: every field that is wrong, what is wrong with it as a code, and why in words.',
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'code', 'reason'],
        properties: {
          field: { type: 'string', examples: ['bins[1]'] },
          code: {
            type: 'string',
            enum: [...FIELD_PROBLEM_CODES],
            description: 'What is wrong with the field, stable; `invalid` when it breaks a rule of its own, which `reason` names.',
            examples: ['unknown'],
          },
          reason: { type: 'string', examples: ["unknown BIN 'atlantis'"] },
        },
      },
    },
    correlationId: { type: 'string', description: 'Also in the x-correlation-id header and in the logs.' },
  },
};

const COMMON_ERRORS: Record<number, string> = {
  400: 'Bad input: `errors` names every field that is wrong and why; nothing was written.',
  401: 'No bearer token, or one that is not valid (bad signature, expired, wrong issuer or audience).',
  403: "The token's role or scope (police zone, BINs) does not allow this.",
};

/** OpenAPI 3.1 for the documented routes; routes without @ApiDoc are left out (and fail the coverage test). */
export function buildOpenApiDocument(routes: DocumentedRoute[], info: ApiInfo): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    if (!route.doc) continue;
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, route.doc) };
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'From POST /v1/auth/token (HS256), or from the organisation’s OIDC provider when configured (RS256/ES256).',
        },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

/** /v1/alerts/:id → /v1/alerts/{id} */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(route: DocumentedRoute, doc: OperationDoc): JsonObject {
  const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const parameters = [
    ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: doc.params?.[name] ? jsonSchema(doc.params[name]) : { type: 'string' } })),
    ...queryParameters(doc.query),
  ];
  const responses: Record<string, JsonObject> = {};
  for (const [status, response] of Object.entries(doc.responses)) responses[status] = responseObject(Number(status), response);
  const errors = [...(doc.body || doc.query || pathParams.length > 0 ? [400] : []), ...(route.isPublic ? [] : [401, 403])];
  for (const status of errors) responses[status] ??= { description: COMMON_ERRORS[status], content: errorContent() };
  const access = route.isPublic ? 'Public: no token needed.' : `Roles: ${route.roles?.join(', ') ?? 'any signed-in staff'}.`;
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: doc.summary,
    description: [doc.description, access].filter(Boolean).join('\n\n'),
    tags: doc.tags,
    ...(route.isPublic ? { security: [] } : {}),
    ...(route.roles ? { 'x-roles': route.roles } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } } } : {}),
    responses,
  };
}

/** A JSON body when a schema is given; the Error body for 4xx/5xx without one; else no body. */
function responseObject(status: number, response: ResponseDoc): JsonObject {
  const headers = response.headers
    ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
    : {};
  const content = response.schema
    ? { [response.contentType ?? 'application/json']: { schema: jsonSchema(response.schema) } }
    : response.contentType
      ? { [response.contentType]: { schema: { type: 'string' } } }
      : status >= 400
        ? errorContent()
        : undefined;
  const alternative = response.alternative ? { [response.alternative.contentType]: { schema: { type: 'string', description: response.alternative.description } } } : {};
  const all = content || response.alternative ? { content: { ...content, ...alternative } } : {};
  return { description: response.description, ...headers, ...all };
}

function errorContent(): JsonObject {
  return { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
}

function queryParameters(query: ZodTypeAny | undefined): JsonObject[] {
  if (!query) return [];
  const schema = jsonSchema(query) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
}

/** JSON Schema (draft 2020-12 compatible, as OpenAPI 3.1 uses) from the zod schema the handler validates with. */
export function jsonSchema(schema: ZodTypeAny): JsonObject {
  const { $schema: _ignored, ...rest } = zodToJsonSchema(schema as never, { target: 'jsonSchema7', $refStrategy: 'none', removeAdditionalStrategy: 'strict' }) as JsonObject;
  return rest;
}
