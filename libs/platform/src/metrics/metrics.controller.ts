import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/access.decorators';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { AppMetrics } from './app-metrics';

/** Public like /health: Prometheus scrapes without a token; nothing in it names a person. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: AppMetrics) {}

  @Get()
  @ApiDoc({
    summary: 'Prometheus metrics of this app',
    tags: ['health'],
    responses: { 200: { description: 'Prometheus text exposition format 0.0.4.', contentType: 'text/plain' } },
  })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
