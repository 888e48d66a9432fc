import 'reflect-metadata';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { currentCorrelationId } from '../logging/correlation';
import { ObservabilityModule } from './observability.module';

@Controller('seen')
class SeenController {
  @Get()
  seen(): { correlationId: string | null } {
    return { correlationId: currentCorrelationId() ?? null };
  }
}

async function started(workContext: boolean | undefined): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [ObservabilityModule.forRoot({ app: 'request-context-test', workContext })], controllers: [SeenController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

describe('RequestContextMiddleware', () => {
  it('runs a request under its correlation id by default, and echoes it', async () => {
    const { app, url } = await started(undefined);
    try {
      const res = await fetch(`${url}/seen`, { headers: { 'x-correlation-id': 'abc-1' } });
      expect(res.headers.get('x-correlation-id')).toBe('abc-1');
      expect(await res.json()).toEqual({ correlationId: 'abc-1' });
    } finally {
      await app.close();
    }
  });

  it('with workContext false, echoes the id and times the request without running it in the work context (ADR 0069)', async () => {
    const { app, url } = await started(false);
    try {
      const res = await fetch(`${url}/seen`, { headers: { 'x-correlation-id': 'abc-2' } });
      expect(res.headers.get('x-correlation-id')).toBe('abc-2');
      expect(await res.json()).toEqual({ correlationId: null });
      const fresh = await fetch(`${url}/seen`);
      expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/route="\/seen"/);
    } finally {
      await app.close();
    }
  });
});
