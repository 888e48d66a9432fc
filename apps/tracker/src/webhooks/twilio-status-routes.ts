import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ZodTypeAny, z } from 'zod';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { AppMetrics, BareRouteHandler, ZodBodyPipe, answerError, formBodyReader, inRequestContext, queryOf, servePostsAheadOfExpress } from '@bin-alert/platform';
import {
  CallbackObservation,
  callStatusObservation,
  messageStatusObservation,
  StatusEventPublisher,
  WebhookStats,
  callStatusForm,
  callStatusFormAsIs,
  messageStatusForm,
  messageStatusFormAsIs,
} from '@bin-alert/tracking';
import { TRACKER_SETTINGS, TrackerSettings } from '../tracker-settings';
import { twilioVerdict, webhookRefusal } from './signature-guards';

/** What Twilio posts is a few hundred bytes; the limit the app's form parser had. */
export const TWILIO_FORM_LIMIT = '256kb';

interface StatusRoute<S extends ZodTypeAny> {
  path: string;
  form: S;
  /** The form already as `form` makes it (formAsIs): read without the schema's walk and copy. */
  asIs(posted: Record<string, unknown>): posted is z.infer<S>;
  observe(deliveryId: string | undefined, form: z.infer<S>): CallbackObservation;
}

const STATUS_ROUTES = [
  { path: TRACKER_WEBHOOK_PATHS.twilioMessageStatus, form: messageStatusForm, asIs: messageStatusFormAsIs, observe: messageStatusObservation } satisfies StatusRoute<
    typeof messageStatusForm
  >,
  { path: TRACKER_WEBHOOK_PATHS.twilioCallStatus, form: callStatusForm, asIs: callStatusFormAsIs, observe: callStatusObservation } satisfies StatusRoute<typeof callStatusForm>,
];

/**
 * Twilio's message and call status callbacks: one request per status of every SMS and call, the
 * tracker's busiest routes by far. They are served on the bare node:http server, ahead of Express
 * and Nest (ADR 0022, 0029), doing what that pipeline did for them and nothing else, in the same
 * order: request context (correlation id, span, timing), the form read with the app's limits,
 * the signature, the form's validation, then the event, answered 200 once it is durable; errors
 * in the app's one shape. Every other request, these paths' other methods included, goes to Express.
 */
export function serveTwilioStatusRoutes(app: NestExpressApplication): void {
  const metrics = app.get(AppMetrics, { strict: false });
  const settings = app.get<TrackerSettings>(TRACKER_SETTINGS);
  const stats = app.get(WebhookStats);
  const events = app.get(StatusEventPublisher);
  const readForm = formBodyReader(TWILIO_FORM_LIMIT);

  const handlerOf = (route: StatusRoute<ZodTypeAny>): BareRouteHandler => {
    const validate = new ZodBodyPipe(route.form);
    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const posted = await readForm(req, res);
      const verdict = twilioVerdict(settings, req, posted);
      if (!verdict.ok) throw await webhookRefusal(verdict, 'twilio', req, stats);
      const form = route.asIs(posted) ? posted : validate.transform(posted);
      await events.publish([route.observe(single(queryOf(req.url).deliveryId), form)]);
      res.statusCode = 200;
      res.end();
    };
    const answer = (req: IncomingMessage, res: ServerResponse) => handle(req, res).catch((error: unknown) => answerError(error, req, res));
    return (req, res) => inRequestContext(metrics, req, res, () => void answer(req, res), route.path);
  };
  servePostsAheadOfExpress(app, Object.fromEntries(STATUS_ROUTES.map((route) => [route.path, handlerOf(route as StatusRoute<ZodTypeAny>)])));
}

/** `?deliveryId=a&deliveryId=b` is not ours: treat it as naming no delivery. */
export function single(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
