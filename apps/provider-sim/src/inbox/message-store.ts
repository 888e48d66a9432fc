import { Injectable } from '@nestjs/common';
import { asReceived } from '../sendgrid/substitutions';
import { SimChannel, SimMessage } from './sim-message';

export interface ListOptions {
  /** Also show requests the simulated provider refused synchronously (they carry `rejectedWith`). */
  includeRejected?: boolean;
}

/**
 * Everything the simulated providers accepted (and refused), in arrival order, for as long as the
 * process lives. What it gives out is what each recipient received (an e-mail's substitutions
 * applied), a copy when that differs from what is kept.
 */
@Injectable()
export class MessageStore {
  private messages: SimMessage[] = [];

  record(message: SimMessage): void {
    this.messages.push(message);
  }

  /** Addresses compare case-insensitively (e-mail domains are); E.164 numbers have no case. */
  inbox(to: string, options: ListOptions = {}): SimMessage[] {
    const wanted = to.toLowerCase();
    return this.visible(options).filter((message) => message.to.toLowerCase() === wanted).map(asReceived);
  }

  list(channel?: SimChannel, options: ListOptions = {}): SimMessage[] {
    const visible = this.visible(options);
    return (channel ? visible.filter((message) => message.channel === channel) : visible).map(asReceived);
  }

  /** How many accepted messages a channel has, without reading them. */
  count(channel: SimChannel): number {
    return this.messages.reduce((n, message) => (message.channel === channel && message.rejectedWith === undefined ? n + 1 : n), 0);
  }

  /** The last `limit` accepted messages, newest first, and how many there are in all. */
  recent(limit: number): { total: number; messages: SimMessage[] } {
    const visible = this.visible({});
    return { total: visible.length, messages: visible.slice(-limit).reverse().map(asReceived) };
  }

  clear(): void {
    this.messages = [];
  }

  private visible({ includeRejected = false }: ListOptions): SimMessage[] {
    return includeRejected ? [...this.messages] : this.messages.filter((message) => message.rejectedWith === undefined);
  }
}
