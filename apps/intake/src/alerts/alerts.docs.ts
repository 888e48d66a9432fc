import { z } from 'zod';
import { CHANNELS, LANGUAGES, URGENCIES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';
import { followUpRequest, issueAlertRequest, rejectionRequest } from './issue-alert.request';

const text = z.object({ title: z.string(), body: z.string(), instruction: z.string().optional(), contact: z.string().optional() });
const counts = z.object({
  total: z.number().int(),
  byStatus: z.record(z.number().int()).describe('planned, sending, accepted, sent, delivered, … → count'),
  suppressedByReason: z.record(z.number().int()).describe('why members were not contacted: opted_out, no_contact_point, …'),
  failedByReason: z.record(z.number().int()),
});

const lifecycleAnswer = z.object({
  id: z.string().uuid(),
  status: z.enum(['draft', 'awaiting_approval', 'issued', 'rejected']),
  issuedAt: z.string().datetime().nullable(),
  links: z.object({ self: z.string(), cap: z.string() }),
});
const created = {
  description: 'Stored (and audited); issued at once unless the zone requires approval.',
  headers: { Location: '/v1/alerts/{id}', 'x-correlation-id': 'the request’s correlation id' },
  schema: lifecycleAnswer,
};
const conflict = { description: 'The alert is not in a state that allows this (e.g. no longer awaiting approval, already cancelled, expired).' };
const id = { id: z.string().uuid() };

export const ISSUE_ALERT_DOC: OperationDoc = {
  summary: 'Issue an alert to the members of one or more BINs (JSON, or OASIS CAP 1.2)',
  description:
    'JSON as below, or a CAP 1.2 document with `Content-Type: application/cap+xml` (msgType Alert, Update or Cancel with references; ADR 0008 has the mapping; an invalid document is answered 400 naming the element). ' +
    'Stored with its announcement in one transaction (and audited): once answered 201, the alert reaches the dispatchers even if Kafka is down. Where the zone requires a second person, the answer is `awaiting_approval`.',
  tags: ['alerts'],
  body: issueAlertRequest,
  responses: {
    201: created,
    403: { description: 'Not an operator or supervisor, or a BIN outside the caller’s police zone.' },
    409: { description: 'A CAP alert with this sender and identifier was imported already.' },
  },
};

const preview = z.object({
  smsSegmentBudget: z.number().int(),
  languages: z.array(z.record(z.unknown())).describe('per member language: what SMS, e-mail and voice will say, with SMS segments and encoding'),
});

export const DOCS = {
  draft: {
    summary: 'Store a draft (a board member’s proposal, or an operator’s)',
    description: 'Nothing is sent until the police issue it. Board members: non-urgent, own BINs only.',
    tags: ['alerts'],
    body: issueAlertRequest,
    responses: { 201: created },
  },
  preview: {
    summary: 'What each channel would send, per language, for an alert not stored yet',
    tags: ['alerts'],
    body: issueAlertRequest,
    responses: { 200: { description: 'The preview.', schema: preview } },
  },
  storedPreview: {
    summary: 'What each channel sends, per language, for a stored alert',
    tags: ['alerts'],
    params: id,
    responses: { 200: { description: 'The preview.', schema: preview }, 404: { description: 'No such alert the caller may see.' } },
  },
  submit: {
    summary: 'Issue a draft (or send it for approval where the zone requires it)',
    tags: ['alerts'],
    params: id,
    responses: { 200: { description: 'Issued or awaiting approval.', schema: lifecycleAnswer }, 409: conflict },
  },
  approve: {
    summary: 'Approve an alert awaiting approval: a supervisor other than its author',
    tags: ['alerts'],
    params: id,
    responses: { 200: { description: 'Issued.', schema: lifecycleAnswer }, 403: { description: 'Not a supervisor, or the alert’s own author.' }, 409: conflict },
  },
  reject: {
    summary: 'Reject an alert awaiting approval, with the reason',
    tags: ['alerts'],
    params: id,
    body: rejectionRequest,
    responses: { 200: { description: 'Rejected; never sent.', schema: lifecycleAnswer }, 409: conflict },
  },
  update: { summary: 'Send new text to exactly the members the original reached', tags: ['alerts'], params: id, body: followUpRequest, responses: { 201: created, 409: conflict } },
  cancel: {
    summary: 'Cancel ("person found") to exactly the members the original reached; never waits for approval',
    tags: ['alerts'],
    params: id,
    body: followUpRequest,
    responses: { 201: created, 409: conflict },
  },
  capExport: {
    summary: 'The alert as an OASIS CAP 1.2 document',
    tags: ['alerts'],
    params: id,
    responses: { 200: { description: 'CAP 1.2 XML.', contentType: 'application/cap+xml' }, 404: { description: 'No such alert the caller may see.' } },
  },
} satisfies Record<string, OperationDoc>;

export const GET_ALERT_DOC: OperationDoc = {
  summary: 'An alert with its deliveries per channel and status',
  description:
    'Visible to callers whose scope covers at least one of its BINs (police: their zone; board members: their BINs; admins: all). Any other alert is answered 404, like one that does not exist.',
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
