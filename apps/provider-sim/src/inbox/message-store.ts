import { Injectable } from '@nestjs/common';
import { SimChannel, SimMessage } from './sim-message';

/** Everything the simulated providers accepted, in arrival order, for as long as the process lives. */
@Injectable()
export class MessageStore {
  private messages: SimMessage[] = [];

  record(message: SimMessage): void {
    this.messages.push(message);
  }

  /** Addresses compare case-insensitively (e-mail domains are); E.164 numbers have no case. */
  inbox(to: string): SimMessage[] {
    const wanted = to.toLowerCase();
    return this.messages.filter((message) => message.to.toLowerCase() === wanted);
  }

  list(channel?: SimChannel): SimMessage[] {
    return channel ? this.messages.filter((message) => message.channel === channel) : [...this.messages];
  }

  clear(): void {
    this.messages = [];
  }
}
