import { z } from 'zod';
import { ALERT_STATES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';

const id = { id: z.string().uuid() };
const notVisible = { description: 'No such alert the caller may see (its scope covers none of the alert’s BINs).' };

export const DASHBOARD_DOCS = {
  list: {
    summary: 'Alerts of the caller’s scope, newest first, with counts per channel',
    description:
      'Each alert with its status as it reads now (draft, awaiting_approval, issued, rejected, cancelled, expired), its kind (actual, test, exercise), messageType and the alert it follows up (`references`). Keyset paging: pass the `next` cursor of a page as `before` to read the following one.',
    tags: ['dashboard'],
    query: z.object({
      limit: z.number().int().min(1).max(100).default(20),
      before: z.string().optional().describe('the `next` cursor of the previous page'),
      state: z.enum(ALERT_STATES).optional().describe('only alerts in this stored state, e.g. awaiting_approval'),
    }),
    responses: { 200: { description: 'A page of alerts and the cursor of the next one (null at the end).' } },
  },
  dashboard: {
    summary: 'An alert’s delivery funnel per channel, with timings and failure reasons',
    description:
      'Per channel: `funnel` (audience, suppressed, planned, queued, sent, delivered, failed, acknowledged, inFlight and the reasons), `firstDeliveryMs` and `lastDeliveryMs` after issuing, and `routes`: per provider route that carried deliveries (SMS: `primary`, `secondary` when a second Twilio account is configured, ADR 0033) what it was handed (`queued`), reported `sent`, `delivered` and `failed`. `routes` is empty for a channel whose deliveries record no route (e-mail, voice). `fallbacks`: the deliveries on that channel (voice, email) made because the member’s SMS of this urgent alert ended failed or undelivered (ADR 0032).',
    tags: ['dashboard'],
    params: id,
    responses: { 200: { description: 'The dashboard.' }, 404: notVisible },
  },
  events: {
    summary: 'The alert’s dashboard as a live Server-Sent Events stream',
    description: 'Each `dashboard` event carries the whole dashboard when it changed; a comment line every 15 s keeps the stream open. Read it with fetch and the bearer header.',
    tags: ['dashboard'],
    params: id,
    responses: { 200: { description: 'An event stream.', contentType: 'text/event-stream' }, 404: notVisible },
  },
  ops: {
    summary: 'Consumer lag per group and topic, dead-letter count and rate-limit state (supervisors, admins)',
    tags: ['dashboard'],
    responses: { 200: { description: 'What ops watch.' }, 503: { description: 'Kafka or Redis could not be read.' } },
  },
  consolePage: {
    summary: 'The operator console (a web page)',
    tags: ['console'],
    responses: { 200: { description: 'The console’s HTML page.', contentType: 'text/html' } },
  },
  consoleAsset: {
    summary: 'A script or stylesheet of the console, by its content-hashed name',
    tags: ['console'],
    params: { name: z.string() },
    responses: { 200: { description: 'The asset, cacheable for a year.', contentType: 'application/javascript or text/css' }, 404: { description: 'No such asset.' } },
  },
} satisfies Record<string, OperationDoc>;
