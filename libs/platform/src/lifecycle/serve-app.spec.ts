import 'reflect-metadata';
import { Controller, Get, Module, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { loadConfig } from '../config/app-config';
import { configureHttpApp } from '../http/configure-http-app';
import { ObservabilityModule } from '../observability/observability.module';
import { DrainCoordinator } from './drain-coordinator';
import { opsUrlOf, serveApp } from './serve-app';

@Controller('whoami')
class WhoAmIController {
  @Get()
  whoami(@Req() req: Request): { ip: string | undefined } {
    return { ip: req.ip };
  }
}

@Module({ imports: [ObservabilityModule.forRoot({ app: 'serve-test' })], controllers: [WhoAmIController] })
class ServeTestModule {}

async function served(env: Record<string, string>): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ServeTestModule, { logger: false, bodyParser: false });
  configureHttpApp(app, { shutdownHooks: false });
  return serveApp(app, loadConfig(env), { name: 'serve-test', port: 0 });
}

/** Consumers whose group join takes until `joined` settles: a group that waits out a dead member's session. */
class SlowToJoin extends Server implements CustomTransportStrategy {
  constructor(private readonly joined: Promise<void>) {
    super();
  }

  async listen(callback: () => void): Promise<void> {
    await this.joined;
    callback();
  }

  close(): void {}

  on(): never {
    throw new Error('no events');
  }

  unwrap<T>(): T {
    return undefined as T;
  }
}

describe('serveApp (ADR 0017)', () => {
  it('answers requests only once the consumers have joined', async () => {
    const app = await NestFactory.create<NestExpressApplication>(ServeTestModule, { logger: false, bodyParser: false });
    configureHttpApp(app, { shutdownHooks: false });
    let join!: () => void;
    app.connectMicroservice({ strategy: new SlowToJoin(new Promise<void>((resolve) => (join = resolve))) });
    const serving = serveApp(app, loadConfig({}), { name: 'serve-test', port: 0 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(app.getHttpServer().listening).toBe(false);
      join();
      await serving;
      expect(app.getHttpServer().listening).toBe(true);
    } finally {
      join();
      await serving.catch(() => undefined);
      await app.close();
    }
  });

  it('binds HOST and believes X-Forwarded-For only from TRUSTED_PROXIES', async () => {
    const untrusting = await served({});
    const trusting = await served({ TRUSTED_PROXIES: 'loopback' });
    try {
      expect((untrusting.getHttpServer().address() as { address: string }).address).toBe('127.0.0.1');
      const ask = async (app: NestExpressApplication) => (await (await fetch(`${await app.getUrl()}/whoami`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).json()).ip;
      expect(await ask(untrusting)).toMatch(/127\.0\.0\.1$/);
      expect(await ask(trusting)).toBe('203.0.113.9');
    } finally {
      await untrusting.close();
      await trusting.close();
    }
  });

  it('serves /metrics and health on OPS_PORT only, when one is set', async () => {
    const app = await served({ OPS_PORT: '0' });
    try {
      const ops = opsUrlOf(app)!;
      expect(ops).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${await app.getUrl()}/metrics`)).status).toBe(404);
      expect((await fetch(`${await app.getUrl()}/health/live`)).status).toBe(200);
      const metrics = await fetch(`${ops}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('# TYPE');
      expect((await fetch(`${ops}/health/live`)).status).toBe(200);
      expect(await (await fetch(`${ops}/health/ready`)).json()).toEqual({ status: 'ok', checks: {} });
    } finally {
      await app.close();
    }
    expect(opsUrlOf(app)).toBeUndefined();
  });

  it('in production, answers 404 on the app port for /metrics and every health endpoint, and serves them on OPS_PORT', async () => {
    const production = { NODE_ENV: 'production', AUTH_TOKEN_SECRET: 'k'.repeat(32), MEMBER_LINKS_BASE_URL: 'https://bin.example', TRACKER_PUBLIC_URL: 'https://hooks.bin.example' };
    expect(() => loadConfig(production)).toThrow(/OPS_PORT: required in production/);
    const app = await served({ ...production, OPS_PORT: '0' });
    try {
      const [publicPort, ops] = [await app.getUrl(), opsUrlOf(app)!];
      for (const path of ['/metrics', '/health', '/health/', '/health/live', '/health/ready', '/HEALTH/READY', '/health/ready?verbose=1']) {
        for (const method of ['GET', 'HEAD', 'POST']) {
          expect({ path, method, status: (await fetch(`${publicPort}${path}`, { method })).status }).toEqual({ path, method, status: 404 });
        }
      }
      expect((await fetch(`${publicPort}/whoami`)).status).toBe(200);
      for (const path of ['/metrics', '/health', '/health/live', '/health/ready']) {
        expect({ path, status: (await fetch(`${ops}${path}`)).status }).toEqual({ path, status: 200 });
      }
    } finally {
      await app.close();
    }
  });

  it('answers readiness 503 as soon as a drain starts, on both ports, while liveness stays 200', async () => {
    const app = await served({ OPS_PORT: '0' });
    try {
      let release!: () => void;
      const stopped = new Promise<void>((resolve) => (release = resolve));
      const coordinator = app.get(DrainCoordinator);
      coordinator.onDrain('slow consumer', () => stopped);
      const drained = coordinator.drain(5_000);
      for (const base of [await app.getUrl(), opsUrlOf(app)!]) {
        const ready = await fetch(`${base}/health/ready`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({ status: 'down', checks: { drain: 'down: draining (shutting down)' } });
        expect((await fetch(`${base}/health/live`)).status).toBe(200);
      }
      release();
      expect(await drained).toMatchObject({ finished: true, unfinished: [] });
    } finally {
      await app.close();
    }
  });

  it('listens for SIGTERM while the app is open, and no longer once it is closed', async () => {
    const before = process.listenerCount('SIGTERM');
    const app = await served({});
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    await app.close();
    expect(process.listenerCount('SIGTERM')).toBe(before);
    const standalone = await served({ BIN_ALERT_MODE: 'standalone' });
    expect(process.listenerCount('SIGTERM')).toBe(before);
    await standalone.close();
  });
});
