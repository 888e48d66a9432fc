import { z } from 'zod';
import { CHANNELS, LANGUAGES, URGENCIES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';
import { issueAlertRequest } from './issue-alert.request';

const text = z.object({ title: z.string(), body: z.string() });
const counts = z.object({
  total: z.number().int(),
  byStatus: z.record(z.number().int()).describe('planned, sending, accepted, sent, delivered, … → count'),
  suppressedByReason: z.record(z.number().int()).describe('why members were not contacted: opted_out, no_contact_point, …'),
  failedByReason: z.record(z.number().int()),
});

export const ISSUE_ALERT_DOC: OperationDoc = {
  summary: 'Issue an alert to the members of one or more BINs',
  description: 'Stored with its announcement in one transaction (and audited): once answered 201, the alert reaches the dispatchers even if Kafka is down.',
  tags: ['alerts'],
  body: issueAlertRequest,
  responses: {
    201: {
      description: 'Issued.',
      headers: { Location: '/v1/alerts/{id}', 'x-correlation-id': 'the request’s correlation id' },
      schema: z.object({ id: z.string().uuid(), status: z.literal('issued'), issuedAt: z.string().datetime(), links: z.object({ self: z.string() }) }),
    },
    403: { description: 'Not an operator or supervisor, or a BIN outside the caller’s police zone.' },
  },
};

export const GET_ALERT_DOC: OperationDoc = {
  summary: 'An alert with its deliveries per channel and status',
  description: 'Visible to callers whose scope covers at least one of its BINs (police: their zone; board members: their BINs; admins: all). Any other alert is answered 404, like one that does not exist.',
  tags: ['alerts'],
  params: { id: z.string().uuid() },
  responses: {
    200: {
      description: 'The alert.',
      schema: z.object({
        id: z.string().uuid(),
        status: z.string(),
        category: z.string(),
        urgency: z.enum(URGENCIES),
        redistributionAllowed: z.boolean(),
        bins: z.array(z.string()),
        texts: z.object(Object.fromEntries(LANGUAGES.map((l) => [l, text.optional()]))),
        issuedAt: z.string().datetime(),
        deliveries: z.object(Object.fromEntries(CHANNELS.map((c) => [c, counts.optional()]))),
      }),
    },
    404: { description: 'No such alert, or none the caller may see.' },
  },
};
