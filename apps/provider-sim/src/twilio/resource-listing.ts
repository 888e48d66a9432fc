import { Injectable } from '@nestjs/common';
import { MessageStore } from '../inbox/message-store';
import { StoredMessage } from '../inbox/sim-message';
import { twilioErrors } from './twilio-api.error';
import { TWILIO_API_VERSION, accountPath, rfc2822 } from './twilio-resource-format';

const MAX_PAGE_SIZE = 1000;

/**
 * GET …/Messages.json and …/Calls.json: what a sender asks after a crash ("did my message go
 * out before I died?"). One page, newest first, filtered by To like Twilio's list resources.
 * GET …/Messages/{Sid}.json and …/Calls/{Sid}.json: one message or call with its current status,
 * what the tracker's reconciliation asks when callbacks were lost (ADR 0039).
 */
@Injectable()
export class TwilioResourceListing {
  constructor(private readonly store: MessageStore) {}

  messages(accountSid: string, query: Record<string, unknown>): Record<string, unknown> {
    const page = this.page('sms', query);
    // Each account lists its own messages (a second SMS route's lookups must not find the first's).
    const own = page.items.filter((m) => m.accountSid === undefined || m.accountSid === accountSid);
    return this.envelope(
      accountSid,
      'Messages',
      'messages',
      page.size,
      own.map((m) => this.messageResource(accountSid, m)),
    );
  }

  calls(accountSid: string, query: Record<string, unknown>): Record<string, unknown> {
    const page = this.page('voice', query);
    return this.envelope(
      accountSid,
      'Calls',
      'calls',
      page.size,
      page.items.map((c) => this.callResource(accountSid, c)),
    );
  }

  /** One message of this account; 404 (code 20404), as Twilio answers, for a sid it does not hold (any more). */
  message(accountSid: string, sid: string): Record<string, unknown> {
    const m = this.store.twilioResource('sms', sid);
    if (m === undefined || (m.accountSid !== undefined && m.accountSid !== accountSid)) throw twilioErrors.resourceNotFound(`${accountPath(accountSid)}/Messages/${sid}.json`);
    return this.messageResource(accountSid, m);
  }

  /** One call of this account, or 404 (code 20404). */
  call(accountSid: string, sid: string): Record<string, unknown> {
    const c = this.store.twilioResource('voice', sid);
    if (c === undefined || (c.accountSid !== undefined && c.accountSid !== accountSid)) throw twilioErrors.resourceNotFound(`${accountPath(accountSid)}/Calls/${sid}.json`);
    return this.callResource(accountSid, c);
  }

  /** Every message or call accepted since the last clear, not only what the inbox retains (TwilioRecords). */
  private page(channel: 'sms' | 'voice', query: Record<string, unknown>): { size: number; items: StoredMessage[] } {
    const to = typeof query.To === 'string' ? query.To.replace(/^ /, '+') : undefined;
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(query.PageSize) || 50));
    return { size, items: this.store.twilioResources(channel, size, to) };
  }

  private envelope(accountSid: string, resource: string, key: string, pageSize: number, records: unknown[]): Record<string, unknown> {
    const uri = `${accountPath(accountSid)}/${resource}.json?PageSize=${pageSize}&Page=0`;
    return { [key]: records, end: Math.max(0, records.length - 1), first_page_uri: uri, next_page_uri: null, page: 0, page_size: pageSize, previous_page_uri: null, start: 0, uri };
  }

  private messageResource(accountSid: string, m: StoredMessage): Record<string, unknown> {
    return {
      sid: m.id,
      account_sid: accountSid,
      to: m.to,
      from: m.from,
      body: m.body ?? '',
      status: currentStatus(m),
      error_code: m.errorCode ?? null,
      error_message: null,
      num_segments: String(m.segments ?? 1),
      direction: 'outbound-api',
      api_version: TWILIO_API_VERSION,
      date_created: rfc2822(new Date(m.receivedAt)),
      date_updated: rfc2822(lastChange(m)),
      date_sent: null,
      uri: `${accountPath(accountSid)}/Messages/${m.id}.json`,
    };
  }

  private callResource(accountSid: string, c: StoredMessage): Record<string, unknown> {
    return {
      sid: c.id,
      account_sid: accountSid,
      to: c.to,
      from: c.from,
      status: currentStatus(c),
      // Twilio reports who answered only when machine detection was asked for.
      answered_by: c.machineDetection ? (c.answeredBy ?? null) : null,
      duration: c.durationSeconds !== undefined ? String(c.durationSeconds) : null,
      direction: 'outbound-api',
      api_version: TWILIO_API_VERSION,
      date_created: rfc2822(new Date(c.receivedAt)),
      date_updated: rfc2822(lastChange(c)),
      uri: `${accountPath(accountSid)}/Calls/${c.id}.json`,
    };
  }
}

/**
 * The status Twilio would show now: the final one once reached (the simulator may reach
 * `delivered` before it posts `sent`, out of order on purpose), else the latest, else queued.
 */
function currentStatus(m: StoredMessage): string {
  return m.outcome ?? m.statuses?.last() ?? 'queued';
}

function lastChange(m: StoredMessage): Date {
  return new Date(m.statuses?.lastAt() ?? m.receivedAt);
}
