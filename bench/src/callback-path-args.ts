import { join } from 'node:path';
import { FlagDeclaration, FlagReading, flagUsage, readFlagList } from './flags';

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

const CALLBACK_PATH_FLAGS: ReadonlyArray<FlagDeclaration<CallbackPathOptions>> = [
  { name: '--messages', key: 'messages', kind: 'int', arg: 'N', min: 1, max: 1_000_000, default: 5_000, help: 'messages (one delivery each) seeded and given their callbacks' },
  { name: '--concurrency', key: 'concurrency', kind: 'int', arg: 'C', min: 1, max: 100_000, default: 256, help: 'messages whose callbacks are on their way at once' },
  { name: '--backlog', key: 'backlog', kind: 'switch', help: "every message begun at once, its callbacks waiting in the sender's lane (ADR 0044)" },
  { name: '--fifo', key: 'fifo', kind: 'switch', help: "with --backlog: a message's later callback behind every message (the lane before ADR 0055)" },
  {
    name: '--email-batch',
    key: 'emailBatch',
    kind: 'int',
    arg: 'N',
    min: 1,
    max: 10_000,
    default: null,
    help: 'SendGrid Event Webhook batches of N e-mails instead of SMS status callbacks',
  },
  { name: '--prof', key: 'prof', kind: 'text', arg: 'DIR', default: null, help: "the tracker under --cpu-prof, and this process's profile, in DIR" },
  {
    name: '--tracker-main',
    key: 'trackerMain',
    kind: 'text',
    arg: 'PATH',
    default: join(__dirname, '../../apps/tracker/src/main.js'),
    defaultHelp: "this build's",
    help: "the tracker's built main.js",
  },
  { name: '--projection-group', key: 'projectionGroup', kind: 'text', arg: 'G', default: null, help: 'also wait for consumer group G (a tracker built before ADR 0041)' },
];

export const CALLBACK_PATH_USAGE = flagUsage(
  'node dist/bench/src/callback-path.js [options]   (npm run build first; flock /tmp/bin-alert-shared-servers.lock)',
  CALLBACK_PATH_FLAGS,
);

export function readCallbackPathArgs(argv: string[]): { options: CallbackPathOptions; reading: FlagReading } {
  const { options, reading } = readFlagList(argv, CALLBACK_PATH_FLAGS);
  if (options.fifo && !options.backlog) reading.problems.push('--fifo goes with --backlog');
  if (options.backlog && options.emailBatch !== null) reading.problems.push('--backlog queues SMS status callbacks: not with --email-batch');
  return { options, reading };
}
