import { BadRequestException, CanActivate, ExecutionContext, ForbiddenException, HttpException, Inject, Injectable, Logger, RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
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

const MESSAGES: Record<Exclude<WebhookVerdict, { ok: true }>['problem'], string> = {
  missing_signature: 'The webhook signature header is missing.',
  missing_timestamp: 'The webhook timestamp header is missing.',
  invalid_signature: 'The webhook signature is not valid.',
  stale_timestamp: 'The webhook timestamp is too old or in the future.',
};

const logger = new Logger('webhook-signature');

/**
 * A webhook whose signature did not verify: logged, counted, and the 400 or 403 to answer. The
 * guards and the lean status routes (ADR 0022) refuse alike.
 */
export async function webhookRefusal(
  verdict: Exclude<WebhookVerdict, { ok: true }>,
  provider: 'twilio' | 'sendgrid',
  request: Request,
  stats: WebhookStats,
): Promise<HttpException> {
  // The path only: the query names a delivery, which is no business of a log reader here.
  logger.warn({ msg: 'webhook refused', provider, path: request.path, problem: verdict.problem });
  await stats.add({ [`refused_${verdict.problem}`]: 1 });
  return verdict.status === 400 ? new BadRequestException(MESSAGES[verdict.problem]) : new ForbiddenException(MESSAGES[verdict.problem]);
}

/** X-Twilio-Signature over the public URL and the posted form parameters, with the token of the account that posted it. */
export function twilioVerdict(settings: TrackerSettings, request: Request): WebhookVerdict {
  const params = isPlainObject(request.body) ? request.body : {};
  // The account the webhook names must have signed it: a forged AccountSid only changes whose token checks it.
  const named = typeof params.AccountSid === 'string' ? settings.twilioAuthTokensBySid.get(params.AccountSid) : undefined;
  return verifyTwilioWebhook(named ?? settings.twilioAuthToken, request.headers[TWILIO_SIGNATURE_HEADER], publicUrlOf(settings.publicUrl, request.originalUrl), params);
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
    return twilioVerdict(this.settings, request);
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
