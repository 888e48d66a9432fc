import { Injectable } from '@nestjs/common';

/**
 * Like Twilio's (Advanced) Opt-Out: a recipient who replied STOP to a sender cannot be sent to
 * from that sender (number or Messaging Service) until they reply START.
 */
@Injectable()
export class OptOutRegistry {
  private blocked = new Set<string>();

  optOut(recipient: string, sender: string): void {
    this.blocked.add(key(recipient, sender));
  }

  optIn(recipient: string, sender: string): void {
    this.blocked.delete(key(recipient, sender));
  }

  isBlocked(recipient: string, sender: string): boolean {
    return this.blocked.has(key(recipient, sender));
  }

  clear(): void {
    this.blocked = new Set();
  }
}

function key(recipient: string, sender: string): string {
  return `${recipient}\u0000${sender}`;
}
