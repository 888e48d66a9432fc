import { ArgumentsHost, Catch, ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Language } from '@bin-alert/domain';
import { errorPage, pageLanguage } from '@bin-alert/member-pages';
import { APP_CONFIG, AppConfig, currentCorrelationId, httpStatusOf } from '@bin-alert/platform';
import { CONSOLE_SECURITY_HEADERS } from '../console/console-assets';

/**
 * The console's policy, except that forms may post to this origin: the member pages have no
 * script at all, and every action is a form.
 */
export const MEMBER_PAGE_CSP = ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');

/**
 * Pages that carry a signed token or a member's choices are never stored by a browser or a proxy,
 * and never send their address (with its token) as a referrer.
 */
export function sendMemberPage(res: Response, status: number, language: Language, page: string): void {
  res
    .status(status)
    .set({
      ...CONSOLE_SECURITY_HEADERS,
      'Content-Security-Policy': MEMBER_PAGE_CSP,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Language': language,
      'Cache-Control': 'no-store',
      Vary: 'Accept-Language',
    })
    .send(page);
}

/**
 * What a member sees when something unforeseen fails: a page in their browser's language with
 * the correlation id in the log, never a JSON error body.
 */
@Catch()
export class MemberPageFailureFilter implements ExceptionFilter {
  private readonly logger = new Logger('member-pages');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const language = pageLanguage({ picked: req.query.lang, acceptLanguage: req.headers['accept-language'], zoneDefault: this.config.ZONE_DEFAULT_LANGUAGE });
    const status = httpStatusOf(exception);
    const correlationId = currentCorrelationId() ?? randomUUID();
    if (status >= 500)
      this.logger.error({ msg: 'member page failed', correlationId, method: req.method, path: req.path, error: String(exception), stack: (exception as Error)?.stack });
    res.setHeader('x-correlation-id', correlationId);
    sendMemberPage(res, status, language, errorPage(language, status === 404 ? 'not_found' : 'failure', req.path));
  }
}
