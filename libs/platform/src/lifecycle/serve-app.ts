import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { HealthController } from '../health/health.controller';
import { AppMetrics } from '../metrics/app-metrics';
import { DrainCoordinator } from './drain-coordinator';

export interface ServeOptions {
  /** The app's name in the start-up and drain logs. */
  name: string;
  port: number;
}

const DRAIN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** What the app's port stops answering when OPS_PORT is set (a path covers what is below it). */
const OPS_ONLY = ['/metrics'];
const OPS_ONLY_IN_PRODUCTION = ['/metrics', '/health'];
const opsServers = new WeakMap<object, Server>();

/** The URL of the app's ops port when OPS_PORT is set (0 picks a free one: this says which). */
export function opsUrlOf(app: NestExpressApplication): string | undefined {
  const server = opsServers.get(app);
  const address = server?.address() as AddressInfo | null | undefined;
  return address ? urlOf(address.family === 'IPv6' ? `[${address.address}]`.replace(/^\[(.*)\]$/, '$1') : address.address, address) : undefined;
}

/**
 * Puts a configured app on the network as a deployment needs it: bound to HOST, believing
 * X-Forwarded-For only from TRUSTED_PROXIES, /metrics on OPS_PORT when one is set (and, in
 * production, the health endpoints on it only), and, unless
 * a standalone process owns the signals, a graceful drain on SIGTERM/SIGINT (ADR 0017). Create
 * the app with `configureHttpApp(app, { shutdownHooks: false })`: the drain replaces Nest's hooks.
 */
export async function serveApp(app: NestExpressApplication, config: AppConfig, options: ServeOptions): Promise<NestExpressApplication> {
  const logger = new Logger(options.name);
  app.set('trust proxy', config.TRUSTED_PROXIES);
  if (config.OPS_PORT !== undefined) {
    // Registered before listen() adds the routes, so it answers first: metrics are for the
    // ops network only, whatever route the app's port is exposed on. In production (where the
    // config requires OPS_PORT) the health endpoints go too: the public port does not tell
    // anyone which dependency is down, or that the app is draining.
    for (const path of config.NODE_ENV === 'production' ? OPS_ONLY_IN_PRODUCTION : OPS_ONLY) {
      app.use(path, (_req: Request, res: Response, next: NextFunction) => (res.headersSent ? next() : res.status(404).json({ error: `${path} is served on OPS_PORT` })));
    }
  }
  // Lifecycle hooks, then the consumers (the app's microservices), then the port: an app that
  // answers is consuming, and no consumer runs before the hooks it relies on did.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.port, config.HOST);
  const ops = config.OPS_PORT !== undefined ? await startOpsServer(app, config.HOST, config.OPS_PORT) : undefined;
  if (ops) opsServers.set(app, ops);
  logger.log({
    msg: 'listening',
    url: urlOf(config.HOST, app.getHttpServer().address() as AddressInfo),
    ...(ops ? { opsUrl: urlOf(config.HOST, ops.address() as AddressInfo) } : {}),
  });

  const unsubscribe = config.BIN_ALERT_MODE === 'standalone' ? () => undefined : drainOnSignals(app, config, logger);
  // Tests and the standalone process close apps themselves: the signal handlers and the ops
  // server must go with the app, or they would outlive it.
  app.get(DrainCoordinator, { strict: false }).onClose(async () => {
    unsubscribe();
    if (!ops) return;
    opsServers.delete(app);
    ops.closeAllConnections();
    await new Promise<void>((resolve) => ops.close(() => resolve()));
  });
  return app;
}

function urlOf(host: string, address: AddressInfo): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * SIGTERM: readiness 503 at once, every consumer stops taking work, the work in flight finishes
 * within DRAIN_DEADLINE_SECONDS, the app closes, the process exits. Past the deadline it exits
 * anyway: what was claimed and not finished is taken over by another instance when its lease
 * runs out (ADR 0005), so leaving is safe, only later.
 */
function drainOnSignals(app: NestExpressApplication, config: AppConfig, logger: Logger): () => void {
  const deadlineMs = config.DRAIN_DEADLINE_SECONDS * 1000;
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) return void logger.warn({ msg: 'already draining', signal });
    draining = true;
    const startedAt = Date.now();
    setTimeout(() => {
      logger.error({ msg: 'drain deadline passed: exiting with work in flight (leases hand it over)', deadlineMs });
      process.exit(1);
    }, deadlineMs).unref();
    void (async () => {
      const coordinator = app.get(DrainCoordinator, { strict: false });
      const outcome = await coordinator.drain(deadlineMs);
      logger.log({ msg: outcome.finished ? 'drained' : 'drain deadline passed', signal, ...outcome });
      await app.close();
      logger.log({ msg: 'stopped', signal, elapsedMs: Date.now() - startedAt });
      process.exit(outcome.finished ? 0 : 1);
    })().catch((error) => {
      logger.error({ msg: 'shutdown failed', error: String(error) });
      process.exit(1);
    });
  };
  for (const signal of DRAIN_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of DRAIN_SIGNALS) process.off(signal, onSignal);
  };
}

/** /metrics and the health endpoints on a port of their own, answered by the app's own controller and registry. */
async function startOpsServer(app: NestExpressApplication, host: string, port: number): Promise<Server> {
  const health = app.get(HealthController, { strict: false });
  const metrics = app.get(AppMetrics, { strict: false });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'GET only' });
    const answer = async () => {
      switch (path) {
        case '/metrics':
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          return void res.end(await metrics.scrape());
        case '/health':
        case '/health/live':
          return json(200, health.live());
        case '/health/ready': {
          const report = await health.readiness();
          return json(report.status === 'ok' ? 200 : 503, report);
        }
        default:
          return json(404, { error: 'not found: /metrics, /health, /health/live, /health/ready' });
      }
    };
    answer().catch((error) => json(500, { error: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
