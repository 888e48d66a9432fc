import { SetMetadata } from '@nestjs/common';
import type { ZodTypeAny } from 'zod';

export const API_DOC = 'bin-alert:api-doc';

export interface ResponseDoc {
  description: string;
  /** The JSON body; omitted for answers without one. */
  schema?: ZodTypeAny;
  /** Another media type than application/json (e.g. text/html), described in words. */
  contentType?: string;
  headers?: Record<string, string>;
  /** The same answer in another media type the caller may ask for (a report as CSV), described in words. */
  alternative?: { contentType: string; description: string };
}

/**
 * What the OpenAPI document says about one handler. Errors common to every route (400 for bad
 * input, 401/403 for protected routes) are added by the document builder; list the others here.
 */
export interface OperationDoc {
  summary: string;
  description?: string;
  tags: string[];
  /** A JSON request body, as validated by the handler's ZodBodyPipe. */
  body?: ZodTypeAny;
  /** Query parameters, as validated by the handler. */
  query?: ZodTypeAny;
  /** Path parameters; each is a string unless a schema says more. */
  params?: Record<string, ZodTypeAny>;
  responses: Record<number, ResponseDoc>;
}

/**
 * Documents a handler in GET /openapi.json. A handler without it is missing from the document,
 * and intake's OpenAPI coverage test fails: an endpoint cannot ship undocumented.
 */
export const ApiDoc = (doc: OperationDoc) => SetMetadata(API_DOC, doc);
