import { join } from 'node:path';
import { FlagReading, readFlags } from './flags';

/** What `node dist/bench/src/callback-path.js …` accepts (see callback-path.ts). */
export interface CallbackPathOptions {
  messages: number;
  concurrency: number;
  prof: string | null;
  /** The tracker's built entry point: another checkout's, to compare two commits on one machine. */
  trackerMain: string;
  /** The consumer group of a tracker built before ADR 0041, whose projection read its events back. */
  projectionGroup: string | null;
  /** E-mails per SendGrid Event Webhook request; null: Twilio SMS status callbacks. */
  emailBatch: number | null;
  /**
   * Every message's callbacks queued in the sender at once, as records waiting in the receiver's
   * lane (what the simulator holds under a backlog, ADR 0044), instead of `concurrency` at a time.
   */
  backlog: boolean;
  /** With `--backlog`: a message's later callback queued behind every message (the lane before ADR 0055), for comparison. */
  fifo: boolean;
}

export const CALLBACK_PATH_USAGE = `node dist/bench/src/callback-path.js [options]   (npm run build first; flock /tmp/bin-alert-shared-servers.lock)
  --messages N             messages (one delivery each) seeded and given their callbacks (default 5000)
  --concurrency C          messages whose callbacks are on their way at once (default 256)
  --backlog                every message begun at once, its callbacks waiting in the sender's lane (ADR 0044)
  --fifo                   with --backlog: a message's later callback behind every message (the lane before ADR 0055)
  --email-batch N          SendGrid Event Webhook batches of N e-mails instead of SMS status callbacks
  --prof DIR               the tracker under --cpu-prof, and this process's profile, in DIR
  --tracker-main PATH      the tracker's built main.js (default this build's)
  --projection-group G     also wait for consumer group G (a tracker built before ADR 0041)`;

export function readCallbackPathArgs(argv: string[]): { options: CallbackPathOptions; reading: FlagReading } {
  const options: CallbackPathOptions = {
    messages: 5_000,
    concurrency: 256,
    prof: null,
    trackerMain: join(__dirname, '../../apps/tracker/src/main.js'),
    projectionGroup: null,
    emailBatch: null,
    backlog: false,
    fifo: false,
  };
  const reading = readFlags(argv, (flag, { text, int }) => {
    switch (flag) {
      case '--messages':
        options.messages = int(1, 1_000_000);
        return true;
      case '--concurrency':
        options.concurrency = int(1, 100_000);
        return true;
      case '--backlog':
        options.backlog = true;
        return true;
      case '--fifo':
        options.fifo = true;
        return true;
      case '--email-batch':
        options.emailBatch = int(1, 10_000);
        return true;
      case '--prof':
        options.prof = text();
        return true;
      case '--tracker-main':
        options.trackerMain = text();
        return true;
      case '--projection-group':
        options.projectionGroup = text();
        return true;
      default:
        return false;
    }
  });
  if (options.fifo && !options.backlog) reading.problems.push('--fifo goes with --backlog');
  if (options.backlog && options.emailBatch !== null) reading.problems.push('--backlog queues SMS status callbacks: not with --email-batch');
  return { options, reading };
}
