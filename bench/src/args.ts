import { AALST_BINS } from '@bin-alert/persistence';
import { MAX_INSTANCES } from './instances';
import { exitOnFlagProblems, readFlags } from './flags';

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

const USAGE = `npm run bench -- [options]
  --members N              members to seed (default 100000, at most ${MAX_MEMBERS})
  --normal-members M       audience of the large normal alert (default: all members)
  --urgent-bins a,b        BINs of the urgent alert (default: moorsel)
  --urgent-after-sms K     accepted normal SMS before the urgent alert is issued (default 1 % of --members,
                           at least 1000: 10000 at 1000000, so the urgent alert meets the backlog of a national one)
  --ceiling-messages K     SMS and e-mail recipients of the bare-SDK ceiling (default 20000)
  --ceiling-concurrency C  provider calls in flight in the ceiling (default 64)
  --calls-per-second R     TWILIO_CALLS_PER_SECOND for dispatcher-voice (default 50)
  --stall-timeout S        abort when nothing moves for S seconds (default 120)
  --wait-for-others S      wait up to S seconds for a test run / other dispatchers on the broker (default 900)
  --no-tracker             do not start the tracker even when dist has it
  --tracker-wait S         wait up to S s after the last delivery for every callback to be sent and answered (default 240)
  --out FILE               JSON result (default bench/results/latest.json)
  --cpu-prof               run the apps under node --prof; tick profiles in bench/results/profiles/
  --instances N            run N processes of each dispatcher (default 1, at most ${MAX_INSTANCES}); reports the
                           share of each lane's deliveries each instance sent (bounded by KAFKA_PARTITIONS_JOBS_*)
Environment: DISPATCH_* and the other app settings are passed on to the apps unchanged;
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bin_alert_bench).`;

/**
 * Issue 11 measures the urgent alert with at least 500,000 normal deliveries queued: a fixed 1,000
 * accepted SMS comes a few seconds into a 1,000,000-member alert's planning, before that backlog
 * exists, so the trigger grows with the audience (100,000 members keep the earlier 1,000).
 */
export function defaultUrgentAfterSms(members: number): number {
  return Math.max(1000, Math.round(members / 100));
}

export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = {
    members: 100_000,
    normalMembers: -1,
    urgentBins: ['moorsel'],
    urgentAfterSms: -1,
    ceilingMessages: 20_000,
    ceilingConcurrency: 64,
    callsPerSecond: 50,
    stallTimeoutS: 120,
    out: 'bench/results/latest.json',
    cpuProf: false,
    seedBatch: 5000,
    waitForOthersS: 900,
    trackerWaitS: 240,
    noTracker: false,
    instances: 1,
  };
  const reading = readFlags(argv, (flag, { text, int }) => {
    switch (flag) {
      case '--members':
        args.members = int(1, MAX_MEMBERS);
        return true;
      case '--normal-members':
        args.normalMembers = int(1, MAX_MEMBERS);
        return true;
      case '--urgent-bins':
        args.urgentBins = text()
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean);
        return true;
      case '--urgent-after-sms':
        args.urgentAfterSms = int(1);
        return true;
      case '--ceiling-messages':
        args.ceilingMessages = int(100, 1_000_000);
        return true;
      case '--ceiling-concurrency':
        args.ceilingConcurrency = int(1, 1024);
        return true;
      case '--calls-per-second':
        args.callsPerSecond = int(1, 100_000);
        return true;
      case '--stall-timeout':
        args.stallTimeoutS = int(10);
        return true;
      case '--out':
        args.out = text();
        return true;
      case '--cpu-prof':
        args.cpuProf = true;
        return true;
      case '--no-tracker':
        args.noTracker = true;
        return true;
      case '--tracker-wait':
        args.trackerWaitS = int(0);
        return true;
      case '--wait-for-others':
        args.waitForOthersS = int(0);
        return true;
      case '--seed-batch':
        args.seedBatch = int(100, 20_000);
        return true;
      case '--instances':
        args.instances = int(1, MAX_INSTANCES);
        return true;
      default:
        return false;
    }
  });
  const problems = reading.problems;
  if (args.normalMembers === -1) args.normalMembers = args.members;
  if (args.urgentAfterSms === -1) args.urgentAfterSms = defaultUrgentAfterSms(args.members);
  if (args.normalMembers > args.members) problems.push(`--normal-members (${args.normalMembers}) cannot exceed --members (${args.members})`);
  const known = new Set(AALST_BINS.map((b) => b.id));
  for (const b of args.urgentBins) if (!known.has(b)) problems.push(`--urgent-bins: unknown BIN '${b}' (known: ${[...known].join(', ')})`);
  if (args.urgentBins.length === 0) problems.push('--urgent-bins: at least one BIN');
  exitOnFlagProblems('bench', USAGE, reading);
  return args;
}
