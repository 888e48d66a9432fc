import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Public } from '../auth/access.decorators';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { withTimeout } from '../metrics/app-metrics';
import { DrainCoordinator } from '../lifecycle/drain-coordinator';

/** A named check of one dependency (PostgreSQL, Redis, Kafka), used for readiness. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** A dependency that does not answer within this is as good as down for a load balancer. */
const CHECK_TIMEOUT_MS = 2500;

export interface ReadinessReport {
  status: 'ok' | 'down';
  /** Per check: `ok`, or `down: <why>`. */
  checks: Record<string, string>;
}

/** Runs every check at once, each within the timeout; one failing check makes the app not ready. */
export async function checkReadiness(checks: ReadinessCheck[], timeoutMs = CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
  const results: Record<string, string> = {};
  await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs, `${c.name} check`);
        results[c.name] = 'ok';
      } catch (error) {
        results[c.name] = `down: ${(error as Error)?.message ?? String(error)}`;
      }
    }),
  );
  return { status: Object.values(results).every((r) => r === 'ok') ? 'ok' : 'down', checks: results };
}

/**
 * Liveness (`/health`, `/health/live`: the process answers) and readiness (`/health/ready`: its
 * PostgreSQL, Redis and Kafka answer too; 503 naming the failing check and why otherwise).
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
    @Optional() private readonly drain?: DrainCoordinator,
  ) {}

  /** What /health/ready answers, also served on the ops port. Draining comes first: no dependency is asked then. */
  async readiness(): Promise<ReadinessReport> {
    if (this.drain?.draining) return { status: 'down', checks: { drain: 'down: draining (shutting down)' } };
    return checkReadiness(this.checks);
  }

  @Get()
  @ApiDoc({ summary: 'Liveness: the process answers', tags: ['health'], responses: { 200: { description: 'Alive.', schema: z.object({ status: z.literal('ok') }) } } })
  @HttpCode(200)
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('live')
  @ApiDoc({ summary: 'Liveness: the process answers', tags: ['health'], responses: { 200: { description: 'Alive.', schema: z.object({ status: z.literal('ok') }) } } })
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiDoc({
    summary: 'Readiness: every dependency (PostgreSQL, Redis, Kafka) answers within 2.5 s, and the app is not draining',
    tags: ['health'],
    responses: {
      200: { description: 'Ready.', schema: z.object({ status: z.literal('ok'), checks: z.record(z.string()) }) },
      503: {
        description: 'A dependency is down, or the app is draining after SIGTERM; `checks` says which and why.',
        schema: z.object({ status: z.literal('down'), checks: z.record(z.string()) }),
      },
    },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await this.readiness();
    // Answered here, not thrown: the error filter would drop which check failed.
    if (report.status !== 'ok') res.status(503);
    return report;
  }
}
