import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context (traceparent) under which an alert was announced: the providers do not
 * echo it in their status callbacks, so the tracker looks it up with the delivery, as it does the
 * correlation id, and links the callback's span to the alert's trace (ADR 0020). Null when the
 * alert was announced without tracing, and for alerts from before it was kept.
 */
export class AlertTraceContext1765000000000 implements MigrationInterface {
  name = 'AlertTraceContext1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts ADD COLUMN trace_context text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts DROP COLUMN trace_context`);
  }
}
