import { z } from 'zod';
import { ALERT_KINDS, LANGUAGES, MESSAGE_TYPES, URGENCIES } from '@bin-alert/domain';

/** One language's text; instruction and contact (issue 14) are optional, so older events still read. */
export const alertText = z.object({
  title: z.string().min(1),
  body: z.string().min(1),
  instruction: z.string().min(1).optional(),
  contact: z.string().min(1).optional(),
});

/**
 * Published on bin.alerts.v1 when an alert is issued. Self-contained, so a dispatcher can render
 * without reading the alert back; the audience is computed by each dispatcher from the database.
 */
export const alertIssuedV1 = z.object({
  type: z.literal('alert.issued'),
  version: z.literal(1),
  alertId: z.string().uuid(),
  category: z.string().min(1),
  urgency: z.enum(URGENCIES),
  binIds: z.array(z.string().min(1)).min(1),
  redistributionAllowed: z.boolean(),
  texts: z.record(z.enum(LANGUAGES), alertText),
  issuedAt: z.string().datetime(),
  /** Added with the alert lifecycle (ADR 0008); absent means an actual alert, never expiring. */
  kind: z.enum(ALERT_KINDS).optional(),
  messageType: z.enum(MESSAGE_TYPES).optional(),
  /** An update or cancel: the alert it follows up, and the original whose recipients it reaches. */
  referencesAlertId: z.string().uuid().optional(),
  audienceAlertId: z.string().uuid().optional(),
  expiresAt: z.string().datetime().optional(),
  /** The zone's default language, for members whose language the alert lacks. */
  fallbackLanguage: z.enum(LANGUAGES).optional(),
});

export type AlertIssuedV1 = z.infer<typeof alertIssuedV1>;
