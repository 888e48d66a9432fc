import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { pathOf } from './form-body';

/** A route's handler on node:http's own request and response: it answers, errors included. */
export type BareRouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves these POST routes on the app's node:http server before Express sees the request
 * (ADR 0029): Express's request and response, router, query parser and body parsers cost a
 * busy route more than its work. Every other request goes to Express untouched. A path matches
 * as Express's router matched it (any case, a trailing slash allowed). Call it once the app is
 * created (its server exists from then) and before it listens.
 */
export function servePostsAheadOfExpress(app: NestExpressApplication, routes: Record<string, BareRouteHandler>): void {
  const server = app.getHttpServer() as Server;
  const listeners = server.listeners('request') as BareRouteHandler[];
  if (listeners.length !== 1) throw new Error(`expected Express as the server's one request listener, found ${listeners.length}`);
  const [express] = listeners;
  const byPath = new Map(Object.entries(routes).map(([path, handle]) => [routeKey(path), handle]));
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const handle = req.method === 'POST' ? byPath.get(routeKey(pathOf(req.url))) : undefined;
    if (handle === undefined) express(req, res);
    else handle(req, res);
  });
}

function routeKey(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.toLowerCase();
}
