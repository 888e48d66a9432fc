import { Injectable } from '@nestjs/common';
import { MessageStore } from '../inbox/message-store';
import { StoredMessage } from '../inbox/sim-message';
import { TWILIO_API_VERSION, accountPath, rfc2822 } from './twilio-resource-format';

const MAX_PAGE_SIZE = 1000;

/**
 * GET …/Messages.json and …/Calls.json: what a sender asks after a crash ("did my message go
 * out before I died?"). One page, newest first, filtered by To like Twilio's list resources.
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

  /** Only what the store still retains (README, retention): older messages are no longer listed. */
  private page(channel: 'sms' | 'voice', query: Record<string, unknown>): { size: number; items: StoredMessage[] } {
    const to = typeof query.To === 'string' ? query.To.replace(/^ /, '+') : undefined;
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(query.PageSize) || 50));
    return { size, items: this.store.latest(channel, size, to) };
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
      status: m.statuses?.last() ?? 'queued',
      num_segments: String(m.segments ?? 1),
      direction: 'outbound-api',
      api_version: TWILIO_API_VERSION,
      date_created: rfc2822(new Date(m.receivedAt)),
      date_updated: rfc2822(new Date(m.receivedAt)),
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
      status: c.statuses?.last() ?? 'queued',
      direction: 'outbound-api',
      api_version: TWILIO_API_VERSION,
      date_created: rfc2822(new Date(c.receivedAt)),
      date_updated: rfc2822(new Date(c.receivedAt)),
      uri: `${accountPath(accountSid)}/Calls/${c.id}.json`,
    };
  }
}
