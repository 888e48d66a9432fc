import { Public } from '../auth/access.decorators';
import { Controller, Get, HttpCode, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';

/** A named check of one dependency (PostgreSQL, Redis, Kafka), used for readiness. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@Public()
@Controller('health')
export class HealthController {
  constructor(@Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = []) {}

  @Get()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const results: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await c.check();
          results[c.name] = 'ok';
        } catch (error) {
          ok = false;
          results[c.name] = `down: ${(error as Error).message}`;
        }
      }),
    );
    if (!ok) throw new ServiceUnavailableException({ status: 'down', checks: results, message: 'not ready' });
    return { status: 'ok', checks: results };
  }
}
