import type { PGlite } from '@electric-sql/pglite';

/**
 * Extended-query messages that only make sense together with the ones after them, up to the
 * Sync: Parse, Bind, Describe, Execute, Close. node-postgres sends every parameterised query as
 * Parse/Bind/Describe/Execute/Sync, and the unnamed statement and portal they use live in the
 * session.
 */
const PART_OF_A_UNIT = new Set(['P', 'B', 'D', 'E', 'C'].map((c) => c.charCodeAt(0)));

interface Unit {
  connection: number;
  messages: Uint8Array[];
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

/**
 * Shares PGlite's one session among the loopback connections of pglite-socket, in place of its
 * own query queue, which runs each protocol message on its own: two connections' parameterised
 * queries then interleave on the session ("bind message supplies 2 parameters, but prepared
 * statement "" requires 1"). Here a connection's messages are run as a unit up to its Sync (or
 * simple Query), and while a connection has a transaction open only its units run, so every
 * client sees the session as its own.
 */
export class SessionMultiplexer {
  private readonly buffered = new Map<number, Uint8Array[]>();
  private readonly queue: Unit[] = [];
  /** The connection whose transaction is open on the session, if any. */
  private owner: number | null = null;
  private processing = false;

  constructor(private readonly db: PGlite) {}

  /** The interface pglite-socket's handler calls, one protocol message at a time. */
  enqueue(connection: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    if (PART_OF_A_UNIT.has(message[0])) {
      // Answered when its Sync runs; the handler goes on reading the connection's next message.
      this.buffered.set(connection, [...(this.buffered.get(connection) ?? []), message]);
      return Promise.resolve(0);
    }
    const messages = [...(this.buffered.get(connection) ?? []), message];
    this.buffered.delete(connection);
    return new Promise((resolve, reject) => {
      this.queue.push({ connection, messages, onData, resolve, reject });
      void this.process();
    });
  }

  clearQueueForHandler(connection: number): void {
    this.buffered.delete(connection);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].connection !== connection) continue;
      this.queue.splice(i, 1)[0].reject(new Error('connection closed'));
    }
  }

  /** A connection that went away inside a transaction must not leave the session locked. */
  async clearTransactionIfNeeded(connection: number): Promise<void> {
    if (this.owner !== connection) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.process();
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const at = this.owner === null ? 0 : this.queue.findIndex((u) => u.connection === this.owner);
        if (at < 0 || this.queue.length === 0) break;
        const unit = this.queue.splice(at, 1)[0];
        let bytes = 0;
        try {
          await this.db.runExclusive(async () => {
            for (const message of unit.messages) {
              await this.db.execProtocolRawStream(message, {
                onRawData: (data) => {
                  bytes += data.length;
                  unit.onData(data);
                },
              });
            }
          });
          unit.resolve(bytes);
        } catch (error) {
          unit.reject(error);
        }
        this.owner = this.db.isInTransaction() ? unit.connection : null;
      }
    } finally {
      this.processing = false;
    }
  }
}
