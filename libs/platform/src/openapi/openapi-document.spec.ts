import { z } from 'zod';
import { ERROR_CODES, FIELD_PROBLEM_CODES } from '@bin-alert/domain';
import { buildOpenApiDocument, openApiPath } from './openapi-document';

describe('buildOpenApiDocument', () => {
  const body = z.object({ name: z.string().min(1), bins: z.array(z.string()).optional() }).strict();
  const document = buildOpenApiDocument(
    [
      {
        method: 'POST',
        path: '/v1/things',
        isPublic: false,
        roles: ['admin'],
        doc: { summary: 'Make a thing', tags: ['things'], body, responses: { 201: { description: 'Made.' }, 409: { description: 'Taken.' } } },
      },
      {
        method: 'GET',
        path: '/v1/things/:id',
        isPublic: true,
        doc: { summary: 'A thing', tags: ['things'], params: { id: z.string().uuid() }, responses: { 200: { description: 'It.', schema: z.object({ id: z.string() }) } } },
      },
      { method: 'DELETE', path: '/v1/things/:id', isPublic: false },
      {
        method: 'GET',
        path: '/v1/things/report',
        isPublic: false,
        doc: {
          summary: 'Counted',
          tags: ['things'],
          responses: { 200: { description: 'The counts.', schema: z.object({ n: z.number() }), alternative: { contentType: 'text/csv; charset=utf-8', description: 'As CSV.' } } },
        },
      },
    ],
    { title: 't', version: '1' },
  ) as any;

  it('writes Express paths the OpenAPI way', () => {
    expect(openApiPath('/v1/accounts/:id/disable')).toBe('/v1/accounts/{id}/disable');
  });

  it('documents request bodies from their zod schema and adds the errors every route can answer', () => {
    const make = document.paths['/v1/things'].post;
    expect(make.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, bins: { type: 'array', items: { type: 'string' } } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(Object.keys(make.responses).sort()).toEqual(['201', '400', '401', '403', '409']);
    expect(make.responses['409'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(make.responses['201'].content).toBeUndefined();
    expect(make['x-roles']).toEqual(['admin']);
    expect(make.security).toBeUndefined();
  });

  it("documents the code of every error, and the code of every wrong field, from the domain's tables", () => {
    const error = document.components.schemas.Error;
    expect(error.required).toEqual(expect.arrayContaining(['code', 'message']));
    expect(error.properties.code.anyOf[0].enum).toEqual(Object.keys(ERROR_CODES));
    expect('http.not_found').toMatch(new RegExp(error.properties.code.anyOf[1].pattern));
    for (const code of Object.keys(ERROR_CODES)) expect(error.properties.code.description).toContain(`\`${code}\``);
    expect(error.properties.errors.items.required).toEqual(['field', 'code', 'reason']);
    expect(error.properties.errors.items.properties.code.enum).toEqual([...FIELD_PROBLEM_CODES]);
  });

  it('marks public routes and leaves out routes nobody documented', () => {
    const read = document.paths['/v1/things/{id}'].get;
    expect(read.security).toEqual([]);
    expect(read.responses['401']).toBeUndefined();
    expect(read.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }]);
    expect(document.paths['/v1/things/{id}'].delete).toBeUndefined();
  });

  it('offers a JSON answer and its alternative media type side by side', () => {
    const content = document.paths['/v1/things/report'].get.responses['200'].content;
    expect(Object.keys(content)).toEqual(['application/json', 'text/csv; charset=utf-8']);
    expect(content['text/csv; charset=utf-8'].schema).toEqual({ type: 'string', description: 'As CSV.' });
  });
});
