import { z } from 'zod';
import { CHANNELS, CSV_DELIMITERS, CSV_MEDIA_TYPE } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';

/** Every report is JSON, or CSV with `format=csv` (ADR 0022): a query parameter, so that a plain link can ask for it. */
const formatFields = {
  format: z.enum(['json', 'csv']).optional().describe('`csv`: the same figures as a CSV file to download (UTF-8 with BOM, a header row, RFC 4180); default `json`'),
  delimiter: z
    .enum(Object.keys(CSV_DELIMITERS) as [keyof typeof CSV_DELIMITERS])
    .optional()
    .describe('with `format=csv`: `comma` (RFC 4180, the default) or `semicolon`, which Excel with Belgian regional settings splits into columns when the file is opened'),
};
const delimiterOnlyWithCsv = (q: { format?: string; delimiter?: string }) => q.delimiter === undefined || q.format === 'csv';
const delimiterIssue = { path: ['delimiter'], message: 'only with format=csv' };

export const reportFormatQuery = z.object(formatFields).strict().refine(delimiterOnlyWithCsv, delimiterIssue);

/** The period and BINs of a report, as the query string gives them; the calendar year by default. */
export const reportPeriodQuery = z
  .object({
    ...formatFields,
    bins: z.string().optional().describe('comma-separated BIN ids; default: every BIN in the caller’s scope'),
    from: z.string().date('a date YYYY-MM-DD').optional().describe('first day (UTC), default 1 January of this year'),
    to: z.string().date('a date YYYY-MM-DD').optional().describe('day after the last (UTC), default 1 January of next year; at most five years after from'),
  })
  .strict()
  .refine(delimiterOnlyWithCsv, delimiterIssue);

/** The CSV answer of a report, beside its JSON. */
const csv = (filename: string) => ({
  contentType: CSV_MEDIA_TYPE,
  description: `With \`format=csv\`: the rows as CSV, \`Content-Disposition: attachment; filename="${filename}"\`.`,
});

const period = { from: z.string().datetime(), to: z.string().datetime(), bins: z.array(z.string()) };
const scope = { description: 'A BIN asked for is outside the caller’s scope (board members: their BINs; police: their zone).' };

export const REPORT_DOCS = {
  messages: {
    summary: 'Messages sent per BIN, category, month and channel (the boards’ yearly overview)',
    description: '`alerts`: alerts that targeted the BIN; `reached`: deliveries that reached a member there.',
    tags: ['reports'],
    query: reportPeriodQuery,
    responses: {
      200: {
        description: 'The report.',
        alternative: csv('bin-alert-messages-<from>-<to>.csv'),
        schema: z.object({
          ...period,
          rows: z.array(
            z.object({
              binId: z.string(),
              category: z.string(),
              month: z.string().describe('YYYY-MM'),
              channel: z.enum(CHANNELS),
              alerts: z.number().int(),
              reached: z.number().int(),
            }),
          ),
        }),
      },
      403: scope,
    },
  },
  membership: {
    summary: 'Membership over time per BIN and month: active, joined, resigned',
    tags: ['reports'],
    query: reportPeriodQuery,
    responses: {
      200: {
        description: 'The report.',
        alternative: csv('bin-alert-membership-<from>-<to>.csv'),
        schema: z.object({
          ...period,
          rows: z.array(z.object({ binId: z.string(), month: z.string().describe('YYYY-MM'), active: z.number().int(), joined: z.number().int(), resigned: z.number().int() })),
        }),
      },
      403: scope,
    },
  },
  reach: {
    summary: 'An alert’s reach per channel, counting members of the caller’s BINs only',
    tags: ['reports'],
    params: { id: z.string().uuid() },
    query: reportFormatQuery,
    responses: {
      200: {
        description:
          'The reach. The CSV has one figure per line: channel, measure (members, planned, reached, fallbacks, suppressed, failed), reason (for suppressed and failed), count. `fallbacks` counts the deliveries made because the member’s SMS of this urgent alert ended failed or undelivered (ADR 0032).',
        alternative: csv('bin-alert-reach-<alert id>.csv'),
        schema: z.object({
          alertId: z.string().uuid(),
          bins: z.array(z.string()).describe('the BINs of the alert the caller may see'),
          channels: z.array(
            z.object({
              channel: z.enum(CHANNELS),
              members: z.number().int(),
              planned: z.number().int(),
              reached: z.number().int(),
              fallbacks: z.number().int().describe('deliveries on this channel that were a fallback for a failed SMS (ADR 0032)'),
              suppressedByReason: z.record(z.number().int()),
              failedByReason: z.record(z.number().int()),
            }),
          ),
        }),
      },
      403: { description: 'The alert targeted none of the caller’s BINs.' },
      404: { description: 'No such alert.' },
    },
  },
} satisfies Record<string, OperationDoc>;
