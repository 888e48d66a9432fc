import { Controller, DynamicModule, Get, Inject, Injectable, Module, NotFoundException, Param, Res } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import * as path from 'node:path';
import { z } from 'zod';
import type { Response } from 'express';
import type { StaffRole } from '@bin-alert/domain';
import { ALLOWED_ROLES, Public, PUBLIC_ROUTE } from '../auth/access.decorators';
import { API_DOC, ApiDoc, OperationDoc } from './api-doc.decorator';
import { ApiInfo, DocumentedRoute, buildOpenApiDocument } from './openapi-document';

const API_INFO = Symbol('API_INFO');

/** Every handler of every controller in the app, with its access rules and documentation. */
@Injectable()
export class RouteCatalogue {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): DocumentedRoute[] {
    const routes: DocumentedRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
      for (const name of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const targets = [handler as () => unknown, controller];
        for (const b of [base ?? ''].flat()) {
          for (const s of [sub ?? ''].flat()) {
            routes.push({
              method: RequestMethod[method],
              path: joinPath(b, s),
              isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false,
              roles: this.reflector.getAllAndOverride<StaffRole[] | undefined>(ALLOWED_ROLES, targets),
              doc: this.reflector.get<OperationDoc | undefined>(API_DOC, handler as () => unknown),
            });
          }
        }
      }
    }
    return routes;
  }
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

const swaggerUiRoot = path.dirname(require.resolve('swagger-ui-dist/package.json'));
/** The files of swagger-ui-dist the page needs; nothing else of node_modules is reachable. */
const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'index.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'swagger-ui-standalone-preset.js': 'text/javascript',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8"><title>BIN Alert API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="stylesheet" href="/docs/index.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/initializer.js"></script>
</body>
</html>
`;

// A separate script rather than an inline one, so a strict Content-Security-Policy can stay on.
const DOCS_INITIALIZER = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', persistAuthorization: false });
`;

@Public()
@Controller()
export class OpenApiController {
  private document?: object;

  constructor(
    private readonly catalogue: RouteCatalogue,
    @Inject(API_INFO) private readonly info: ApiInfo,
  ) {}

  @Get('openapi.json')
  @ApiDoc({
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['documentation'],
    responses: { 200: { description: 'The OpenAPI document.', schema: z.object({ openapi: z.literal('3.1.0') }).passthrough() } },
  })
  openApi(): object {
    // Routes do not change while the app runs.
    this.document ??= buildOpenApiDocument(this.catalogue.routes(), this.info);
    return this.document;
  }

  @Get('docs')
  @ApiDoc({
    summary: 'Interactive API documentation (Swagger UI, served locally)',
    tags: ['documentation'],
    responses: { 200: { description: 'An HTML page.', contentType: 'text/html' } },
  })
  page(@Res() res: Response): void {
    res.type('text/html').send(DOCS_PAGE);
  }

  @Get('docs/:asset')
  @ApiDoc({
    summary: 'A file of the documentation page',
    tags: ['documentation'],
    params: { asset: z.enum(['initializer.js', ...Object.keys(DOCS_ASSETS)] as [string, ...string[]]) },
    responses: { 200: { description: 'The stylesheet, script or icon.', contentType: 'application/octet-stream' }, 404: { description: 'Not a file of the page.' } },
  })
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    if (asset === 'initializer.js') return void res.type('text/javascript').send(DOCS_INITIALIZER);
    const type = DOCS_ASSETS[asset];
    if (!type) throw new NotFoundException(`no documentation file ${asset}`);
    res.type(type).setHeader('Cache-Control', 'public, max-age=86400');
    // Relative to its root: `send` refuses a path with a dot-directory in it (an install under
    // ~/.local, a worktree under .local/) unless only the part below the root is checked.
    res.sendFile(asset, { root: swaggerUiRoot });
  }
}

/** GET /openapi.json and GET /docs for an app: documents every handler marked @ApiDoc. */
@Module({})
export class OpenApiModule {
  static forRoot(info: ApiInfo): DynamicModule {
    return {
      module: OpenApiModule,
      imports: [DiscoveryModule],
      controllers: [OpenApiController],
      providers: [RouteCatalogue, { provide: API_INFO, useValue: info }],
      exports: [RouteCatalogue],
    };
  }
}
