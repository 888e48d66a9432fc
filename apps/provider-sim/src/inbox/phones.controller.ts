import { BadRequestException, Controller, Get, Header, NotFoundException, Param, Query } from '@nestjs/common';
import { MessageStore } from './message-store';
import { SIM_CHANNELS, SimChannel, SimMessage } from './sim-message';
import { PHONES_PAGE } from './phones.page';

/** What a phone or an inbox shows of one message: no markup, no provider bookkeeping. */
export interface PhoneView {
  id: string;
  channel: SimMessage['channel'];
  to: string;
  receivedAt: string;
  /** SMS body, the e-mail's subject and text, or what the call said. */
  title?: string;
  body: string;
  /** Latest provider status (delivered, undelivered, completed, bounce…), if any yet. */
  status?: string;
  /** Keys the callee pressed ("1" = acknowledged). */
  digits?: string;
  /** An e-mail's own id (its sg_message_id), to open it whole at /__sim/phones/email/{emailId}. */
  emailId?: string;
}

const MAX_LIMIT = 1000;

/**
 * The simulated phones and inboxes, for a person watching a demo: an HTML page that polls the
 * feed below. Self-contained (no build step, no external assets), served by the simulator.
 */
@Controller('__sim/phones')
export class PhonesController {
  constructor(private readonly store: MessageStore) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(): string {
    return PHONES_PAGE;
  }

  /**
   * One e-mail as a mail client shows it: its HTML part (its plain text when it has none). The
   * HTML is whatever the sender sent, so the page gets a policy that lets it style itself and
   * follow its links, and nothing else: no script, no remote resource, no form.
   */
  @Get('email/:emailId')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  // No `sandbox`: it would also stop a test's DevTools evaluation (the accessibility audit), and
  // `default-src 'none'` already leaves a script nothing to run from.
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
  @Header('x-content-type-options', 'nosniff')
  email(@Param('emailId') emailId: string): string {
    const message = this.store.email(emailId);
    if (!message) throw new NotFoundException(`no e-mail ${emailId} in the simulator's inboxes (it may have left the retention window)`);
    if (message.html) return message.html;
    const escapeText = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
    return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeText(message.subject ?? '')}</title></head><body><pre style="white-space:pre-wrap;font:16px/1.5 Arial,sans-serif">${escapeText(message.text ?? '')}</pre></body></html>`;
  }

  @Get('feed')
  feed(@Query('limit') limit: unknown): { total: number; byChannel: Record<SimChannel, number>; messages: PhoneView[] } {
    const n = limit === undefined ? 300 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new BadRequestException(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
    const { total, messages } = this.store.recent(n);
    const byChannel = Object.fromEntries(SIM_CHANNELS.map((c) => [c, this.store.count(c)])) as Record<SimChannel, number>;
    return { total, byChannel, messages: messages.map(toPhoneView) };
  }
}

export function toPhoneView(m: SimMessage): PhoneView {
  const status = m.outcome ?? m.statuses?.[m.statuses.length - 1]?.status;
  const body =
    m.channel === 'sms'
      ? (m.body ?? '')
      : m.channel === 'email'
        ? (m.text ?? '')
        : (m.said ?? []).map((s) => `[${s.voice ? `${s.language} ${s.voice}` : s.language}] ${s.text}`).join('\n');
  return {
    id: m.id,
    channel: m.channel,
    to: m.to,
    receivedAt: m.receivedAt,
    ...(m.channel === 'email' && m.subject ? { title: m.subject } : {}),
    body,
    ...(status ? { status } : {}),
    ...(m.digits ? { digits: m.digits } : {}),
    ...(m.channel === 'email' && m.sgMessageId ? { emailId: m.sgMessageId } : {}),
  };
}
