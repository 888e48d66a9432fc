import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import type { ZodTypeAny, z } from 'zod';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { AppMetrics, ZodBodyPipe, answerError, formBodyReader, inRequestContext } from '@bin-alert/platform';
import { CallbackObservation, callStatusObservation, messageStatusObservation, StatusEventPublisher, WebhookStats, callStatusForm, messageStatusForm } from '@bin-alert/tracking';
import { TRACKER_SETTINGS, TrackerSettings } from '../tracker-settings';
import { twilioVerdict, webhookRefusal } from './signature-guards';

/** What Twilio posts is a few hundred bytes; the limit the app's form parser had. */
export const TWILIO_FORM_LIMIT = '256kb';

interface StatusRoute<S extends ZodTypeAny> {
  path: string;
  form: S;
  observe(deliveryId: string | undefined, form: z.infer<S>): CallbackObservation;
}

const STATUS_ROUTES = [
  { path: TRACKER_WEBHOOK_PATHS.twilioMessageStatus, form: messageStatusForm, observe: messageStatusObservation } satisfies StatusRoute<typeof messageStatusForm>,
  { path: TRACKER_WEBHOOK_PATHS.twilioCallStatus, form: callStatusForm, observe: callStatusObservation } satisfies StatusRoute<typeof callStatusForm>,
];

/**
 * Twilio's message and call status callbacks: one request per status of every SMS and call, the
 * tracker's busiest routes by far. They are served before Nest's pipeline (ADR 0022), straight on
 * Express, doing what that pipeline did for them and nothing else, in the same order: request
 * context (correlation id, span, timing), the form read with the app's limits, the signature,
 * the form's validation, then the event, answered 200 once it is durable; errors in the app's
 * one shape. Must be mounted before configureHttpApp registers the app's body parsers.
 */
export function mountTwilioStatusRoutes(app: NestExpressApplication): void {
  const metrics = app.get(AppMetrics, { strict: false });
  const settings = app.get<TrackerSettings>(TRACKER_SETTINGS);
  const stats = app.get(WebhookStats);
  const events = app.get(StatusEventPublisher);
  const readForm = formBodyReader(TWILIO_FORM_LIMIT);
  const express = app.getHttpAdapter().getInstance() as import('express').Express;

  for (const route of STATUS_ROUTES) {
    const validate = new ZodBodyPipe(route.form as ZodTypeAny);
    const handle = async (req: Request, res: Response): Promise<void> => {
      req.body = await readForm(req, res);
      const verdict = twilioVerdict(settings, req);
      if (!verdict.ok) throw await webhookRefusal(verdict, 'twilio', req, stats);
      const form = validate.transform(req.body);
      await events.publish([(route.observe as StatusRoute<ZodTypeAny>['observe'])(single(req.query.deliveryId), form)]);
      res.status(200).end();
    };
    express.post(route.path, (req: Request, res: Response) =>
      inRequestContext(metrics, req, res, () => void handle(req, res).catch((error: unknown) => answerError(error, req, res))),
    );
  }
}

/** `?deliveryId=a&deliveryId=b` is not ours: treat it as naming no delivery. */
export function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
