import { CanActivate, ExecutionContext, Inject, Injectable, Logger, RawBodyRequest } from '@nestjs/common';
import { DomainError, ErrorCode } from '@bin-alert/domain';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { pathOf } from '@bin-alert/platform';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, TWILIO_SIGNATURE_HEADER, WebhookVerdict, verifyTwilioWebhook } from '@bin-alert/providers';
import { TRACKER_SETTINGS, TrackerSettings } from '../tracker-settings';
import { WebhookStats } from '@bin-alert/tracking';

/**
 * The URL the provider called, as it signed it: the configured public origin (and prefix) plus
 * the path and query exactly as they reached this server.
 */
export function publicUrlOf(publicBase: string, originalUrl: string): string {
  return `${publicBase.replace(/\/+$/, '')}${originalUrl}`;
}

// The code's kind gives the verifier's status (missing: 400, not valid: 403) through the one HTTP mapping.
const REFUSALS: Record<Exclude<WebhookVerdict, { ok: true }>['problem'], { code: ErrorCode; message: string }> = {
  missing_signature: { code: 'callback.signature_missing', message: 'The webhook signature header is missing.' },
  missing_timestamp: { code: 'callback.timestamp_missing', message: 'The webhook timestamp header is missing.' },
  invalid_signature: { code: 'callback.signature_refused', message: 'The webhook signature is not valid.' },
  stale_timestamp: { code: 'callback.timestamp_stale', message: 'The webhook timestamp is too old or in the future.' },
};

const logger = new Logger('webhook-signature');

/**
 * A webhook whose signature did not verify: logged, counted, and the coded refusal to answer (400 when a header is missing, 403 when it does not verify). The
 * guards and the lean status routes (ADR 0022) refuse alike.
 */
export async function webhookRefusal(
  verdict: Exclude<WebhookVerdict, { ok: true }>,
  provider: 'twilio' | 'sendgrid',
  request: IncomingMessage,
  stats: WebhookStats,
): Promise<DomainError> {
  // The path only: the query names a delivery, which is no business of a log reader here.
  logger.warn({ msg: 'webhook refused', provider, path: pathOf(request.url), problem: verdict.problem });
  await stats.add({ [`refused_${verdict.problem}`]: 1 });
  const refusal = REFUSALS[verdict.problem];
  return new DomainError(refusal.code, refusal.message);
}

/**
 * X-Twilio-Signature over the public URL and the posted form parameters, with the token of the
 * account that posted it. `request.url` is the path and query as they reached this server (a
 * route at the app's root: Express's originalUrl is the same).
 */
export function twilioVerdict(settings: TrackerSettings, request: Pick<IncomingMessage, 'headers' | 'url'>, form: unknown): WebhookVerdict {
  const params = isPlainObject(form) ? form : {};
  // The account the webhook names must have signed it: a forged AccountSid only changes whose token checks it.
  const named = typeof params.AccountSid === 'string' ? settings.twilioAuthTokensBySid.get(params.AccountSid) : undefined;
  return verifyTwilioWebhook(named ?? settings.twilioAuthToken, request.headers[TWILIO_SIGNATURE_HEADER], publicUrlOf(settings.publicUrl, request.url ?? '/'), params);
}

@Injectable()
abstract class SignatureGuard implements CanActivate {
  protected abstract readonly provider: 'twilio' | 'sendgrid';

  constructor(
    @Inject(TRACKER_SETTINGS) protected readonly settings: TrackerSettings,
    private readonly stats: WebhookStats,
  ) {}

  protected abstract verdict(request: RawBodyRequest<Request>): WebhookVerdict;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RawBodyRequest<Request>>();
    const verdict = this.verdict(request);
    if (verdict.ok) return true;
    throw await webhookRefusal(verdict, this.provider, request, this.stats);
  }
}

/** X-Twilio-Signature over the public URL and the posted form parameters. */
@Injectable()
export class TwilioSignatureGuard extends SignatureGuard {
  protected readonly provider = 'twilio';

  protected verdict(request: Request): WebhookVerdict {
    return twilioVerdict(this.settings, { headers: request.headers, url: request.originalUrl }, request.body);
  }
}

/** SendGrid's ECDSA signature over the timestamp and the raw body, and the timestamp's age. */
@Injectable()
export class SendGridSignatureGuard extends SignatureGuard {
  protected readonly provider = 'sendgrid';

  protected verdict(request: RawBodyRequest<Request>): WebhookVerdict {
    return this.settings.sendGridVerifier.verify(request.rawBody, request.headers[SENDGRID_SIGNATURE_HEADER], request.headers[SENDGRID_TIMESTAMP_HEADER]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
