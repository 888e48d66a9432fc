import { Injectable } from '@nestjs/common';
import { magicCall } from './magic-numbers';

/**
 * How many calls each magic number received, for the ones that answer only when called again.
 * Only they are remembered, so this stays as small as the magic range whatever the audience;
 * the message store, which is bounded, could forget a first call a redial depends on.
 */
@Injectable()
export class RedialMemory {
  private calls = new Map<string, number>();

  /** Calls to `to` before this one, which is counted. 0 for a number whose fate does not depend on it. */
  placed(to: string): number {
    const magic = magicCall(to);
    if (magic === undefined || !('firstCallOnly' in magic)) return 0;
    const earlier = this.calls.get(to) ?? 0;
    this.calls.set(to, earlier + 1);
    return earlier;
  }

  clear(): void {
    this.calls = new Map();
  }
}
