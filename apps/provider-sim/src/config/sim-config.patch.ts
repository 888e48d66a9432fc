import { z, ZodError } from 'zod';
import { SIM_APIS } from './sim-config';
import { FieldProblem } from '../sim-request.error';

const rate = z.number().min(0).max(1);
const milliseconds = z.number().int().min(0).max(600_000);
const DAY_MS = 24 * 3_600_000;
const longDelay = z.number().int().min(0).max(DAY_MS);
const msRange = z.object({ min: milliseconds, max: milliseconds }).partial().strict();
/** Twilio error codes are five digits; a rate of 0 removes the code. */
const errorRates = z.record(z.string().regex(/^\d{5}$/, 'must be a five-digit Twilio error code'), rate);
const webhookUrl = z
  .string()
  .url()
  .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL')
  .nullable();
const api = z.enum(SIM_APIS);
const smsFaults = z.object({ errorRates, undeliveredRate: rate, failedRate: rate, outOfOrderRate: rate }).partial().strict();

/** A partial config as PUT /__sim/config takes it: every level optional, unknown fields refused. */
export const simConfigPatchSchema = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff),
    latencyMs: msRange,
    callbackDelayMs: msRange,
    callbackRetry: z
      .object({
        enabled: z.boolean(),
        sendgrid: z
          .object({
            firstDelayMs: longDelay,
            maxDelayMs: longDelay,
            windowMs: z
              .number()
              .int()
              .min(0)
              .max(3 * DAY_MS),
          })
          .partial()
          .strict(),
        timeScale: z.number().min(1).max(1_000_000),
        maxQueuedBytes: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
      })
      .partial()
      .strict(),
    sms: smsFaults,
    secondTwilioAccount: z.object({ sms: smsFaults }).partial().strict(),
    voice: z.object({ errorRates, noAnswerRate: rate, busyRate: rate, failedRate: rate, machineRate: rate, acknowledgeRate: rate }).partial().strict(),
    email: z
      .object({
        bounceRate: rate,
        dropRate: rate,
        deferRate: rate,
        eventBatchSize: z.number().int().min(1).max(10_000),
        eventBatchWindowMs: milliseconds,
      })
      .partial()
      .strict(),
    rateLimit: z
      .object(Object.fromEntries(SIM_APIS.map((name) => [name, z.number().positive().max(1_000_000).nullable()])) as Record<(typeof SIM_APIS)[number], z.ZodNullable<z.ZodNumber>>)
      .partial()
      .strict(),
    burst429: z
      .object({ api, count: z.number().int().min(0).max(1_000_000) })
      .strict()
      .nullable(),
    retention: z
      .object({ messagesPerChannel: z.number().int().min(1).max(1_000_000), messagesPerAddress: z.number().int().min(1).max(1000) })
      .partial()
      .strict(),
    twilioInboundSmsUrl: webhookUrl,
    sendgridEventWebhookUrl: webhookUrl,
  })
  .partial()
  .strict();

export type SimConfigPatch = z.infer<typeof simConfigPatchSchema>;

export type PatchParse = { ok: true; patch: SimConfigPatch } | { ok: false; problems: FieldProblem[] };

export function parseSimConfigPatch(input: unknown): PatchParse {
  const parsed = simConfigPatchSchema.safeParse(input);
  return parsed.success ? { ok: true, patch: parsed.data } : { ok: false, problems: problemsOf(parsed.error) };
}

/** One problem per wrong field; an unknown key is named itself rather than its parent object. */
function problemsOf(error: ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    const at = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: at ? `${at}.${key}` : key, reason: 'unknown field' }));
    }
    return [{ field: at || 'body', reason: issue.message }];
  });
}
