import { AALST_BINS } from '@bin-alert/persistence';
import { MAX_INSTANCES } from './instances';
import { FlagDeclaration, FlagParsing, exitOnFlagProblems, flagUsage, readFlagList } from './flags';

/** What `npm run bench -- …` accepts; every option has a default that runs on a 2-core machine. */
export interface BenchArgs {
  /** Members seeded over the 14 BINs of zone Aalst. */
  members: number;
  /** Audience of the large normal alert (members < this are in its BINs); default: every member. */
  normalMembers: number;
  /** BINs of the urgent missing-person alert. */
  urgentBins: string[];
  /** Accepted SMS of the normal alert before the urgent one is issued (clamped to a tenth of its SMS audience). */
  urgentAfterSms: number;
  /** Messages (SMS) and recipients (e-mail) sent in the bare-SDK ceiling measurement. */
  ceilingMessages: number;
  /** Provider calls in flight in the ceiling measurement. */
  ceilingConcurrency: number;
  /** Twilio calls per second given to dispatcher-voice (a realistic account limit; see docs/benchmarks.md). */
  callsPerSecond: number;
  /** Give up when no delivery changes state for this long. */
  stallTimeoutS: number;
  out: string;
  /** Run the apps under node --prof and summarise the tick profiles (bench/results/profiles). */
  cpuProf: boolean;
  /** Leave the tracker out even when it is built (to see what the callbacks cost). */
  noTracker: boolean;
  /** How long to wait, once the last delivery is final, for the simulator to have sent every callback and the tracker to have answered it. */
  trackerWaitS: number;
  /** How long to wait for a test run or another dispatcher on the same broker to finish. */
  waitForOthersS: number;
  /** Members written per registerMany call. */
  seedBatch: number;
  /** Processes of each dispatcher app; the result says which share of each lane each one sent. */
  instances: number;
}

export const MAX_MEMBERS = 1_000_000;

const BENCH_FLAGS: ReadonlyArray<FlagDeclaration<BenchArgs>> = [
  { name: '--members', key: 'members', kind: 'int', arg: 'N', min: 1, max: MAX_MEMBERS, default: 100_000, help: 'members to seed (default {default}, at most {max})' },
  // -1: as many as --members, once those are read.
  {
    name: '--normal-members',
    key: 'normalMembers',
    kind: 'int',
    arg: 'M',
    min: 1,
    max: MAX_MEMBERS,
    default: -1,
    defaultHelp: 'all members',
    help: 'audience of the large normal alert',
  },
  { name: '--urgent-bins', key: 'urgentBins', kind: 'text', arg: 'a,b', default: ['moorsel'], help: 'BINs of the urgent alert', parse: urgentBins },
  // -1: defaultUrgentAfterSms(--members), once those are read.
  {
    name: '--urgent-after-sms',
    key: 'urgentAfterSms',
    kind: 'int',
    arg: 'K',
    min: 1,
    default: -1,
    defaultHelp: '1 % of --members,\nat least 1000: 10000 at 1000000, so the urgent alert meets the backlog of a national one',
    help: 'accepted normal SMS before the urgent alert is issued',
  },
  {
    name: '--ceiling-messages',
    key: 'ceilingMessages',
    kind: 'int',
    arg: 'K',
    min: 100,
    max: 1_000_000,
    default: 20_000,
    help: 'SMS and e-mail recipients of the bare-SDK ceiling',
  },
  { name: '--ceiling-concurrency', key: 'ceilingConcurrency', kind: 'int', arg: 'C', min: 1, max: 1024, default: 64, help: 'provider calls in flight in the ceiling' },
  { name: '--calls-per-second', key: 'callsPerSecond', kind: 'int', arg: 'R', min: 1, max: 100_000, default: 50, help: 'TWILIO_CALLS_PER_SECOND for dispatcher-voice' },
  { name: '--stall-timeout', key: 'stallTimeoutS', kind: 'int', arg: 'S', min: 10, default: 120, help: 'abort when nothing moves for S seconds' },
  { name: '--wait-for-others', key: 'waitForOthersS', kind: 'int', arg: 'S', min: 0, default: 900, help: 'wait up to S seconds for a test run / other dispatchers on the broker' },
  { name: '--no-tracker', key: 'noTracker', kind: 'switch', help: 'do not start the tracker even when dist has it' },
  {
    name: '--tracker-wait',
    key: 'trackerWaitS',
    kind: 'int',
    arg: 'S',
    min: 0,
    default: 240,
    help: 'wait up to S s after the last delivery for every callback to be sent and answered',
  },
  { name: '--out', key: 'out', kind: 'text', arg: 'FILE', default: 'bench/results/latest.json', help: 'JSON result' },
  { name: '--cpu-prof', key: 'cpuProf', kind: 'switch', help: 'run the apps under node --prof; tick profiles in bench/results/profiles/' },
  {
    name: '--instances',
    key: 'instances',
    kind: 'int',
    arg: 'N',
    min: 1,
    max: MAX_INSTANCES,
    default: 1,
    help: "run N processes of each dispatcher (default {default}, at most {max}); reports the\nshare of each lane's deliveries each instance sent (bounded by KAFKA_PARTITIONS_JOBS_*)",
  },
  { name: '--seed-batch', key: 'seedBatch', kind: 'int', arg: 'B', min: 100, max: 20_000, default: 5000, help: 'members written per registerMany call' },
];

export const BENCH_USAGE = flagUsage(
  'npm run bench -- [options]',
  BENCH_FLAGS,
  `Environment: DISPATCH_* and the other app settings are passed on to the apps unchanged;
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bin_alert_bench).`,
);

/** The BINs named, each one of zone Aalst's. */
function urgentBins(text: string, { problem }: FlagParsing<string[]>): string[] {
  const bins = text
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const known = new Set(AALST_BINS.map((b) => b.id));
  for (const b of bins) if (!known.has(b)) problem(`--urgent-bins: unknown BIN '${b}' (known: ${[...known].join(', ')})`);
  if (bins.length === 0) problem('--urgent-bins: at least one BIN');
  return bins;
}

/**
 * Issue 11 measures the urgent alert with at least 500,000 normal deliveries queued: a fixed 1,000
 * accepted SMS comes a few seconds into a 1,000,000-member alert's planning, before that backlog
 * exists, so the trigger grows with the audience (100,000 members keep the earlier 1,000).
 */
export function defaultUrgentAfterSms(members: number): number {
  return Math.max(1000, Math.round(members / 100));
}

export function parseArgs(argv: string[]): BenchArgs {
  const { options: args, reading } = readFlagList(argv, BENCH_FLAGS);
  if (args.normalMembers === -1) args.normalMembers = args.members;
  if (args.urgentAfterSms === -1) args.urgentAfterSms = defaultUrgentAfterSms(args.members);
  if (args.normalMembers > args.members) reading.problems.push(`--normal-members (${args.normalMembers}) cannot exceed --members (${args.members})`);
  exitOnFlagProblems('bench', BENCH_USAGE, reading);
  return args;
}
