import { Client } from 'pg';
import type { Channel, Language } from '@bin-alert/domain';
import { AALST_BINS, MemberRepository, NewMember, fictitiousName, migrate, openDataSource } from '@bin-alert/persistence';

/** The BIN that holds the members outside the normal alert's audience when --normal-members < --members. */
export const OUTSIDE_NORMAL_BIN = 'aalst-zuid';

/** The shares the generator aims for; docs/benchmarks.md quotes them. */
export const MIX = {
  verifiedMobile: 0.85,
  unverifiedMobile: 0.02,
  email: 0.9,
  landline: 0.1,
  twoBins: 0.03,
  covidEmailOptIn: 0.15,
  preventionSmsOptOut: 0.08,
  board: 0.01,
  languages: { nl: 0.7, fr: 0.2, de: 0.05, en: 0.05 } as Record<Language, number>,
};

/** A small, fast, seedable PRNG (mulberry32): member n always gets the same draws. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A valid Belgian mobile number per member, never in the simulator's magic range
 * +32 470 99 GG xx (fixed fates): +3247 and seven digits below 0990000, then +3249, then +3248.
 */
export function benchMobile(n: number): string {
  if (n < 990_000) return `+3247${String(n).padStart(7, '0')}`;
  const m = n - 990_000;
  if (m < 10_000_000) return `+3249${String(m).padStart(7, '0')}`;
  return `+3248${String(m - 10_000_000).padStart(7, '0')}`;
}

/** A valid landline in the Aalst (053) zone, then Dendermonde (052). */
export function benchLandline(n: number): string {
  return n < 1_000_000 ? `+3253${String(n).padStart(6, '0')}` : `+3252${String(n - 1_000_000).padStart(6, '0')}`;
}

function pickLanguage(r: number): Language {
  let acc = 0;
  for (const [language, share] of Object.entries(MIX.languages) as Array<[Language, number]>) {
    acc += share;
    if (r < acc) return language;
  }
  return 'en';
}

/**
 * Member n of a benchmark population. `bins` are the BINs member n may belong to (round-robin
 * over them, so they fill evenly); about 3% are also in a second one of them.
 */
export function benchMember(n: number, bins: readonly string[]): NewMember {
  const draw = prng(n * 2_654_435_761 + 0x5eed);
  const language = pickLanguage(draw());
  const primary = bins[n % bins.length];
  const memberships: NewMember['memberships'] = [{ binId: primary, role: draw() < MIX.board ? 'board' : 'member' }];
  if (bins.length > 1 && draw() < MIX.twoBins) memberships.push({ binId: bins[(n + 1 + Math.floor(draw() * (bins.length - 1))) % bins.length] });

  const contacts: NewMember['contacts'] = [];
  const mobile = draw();
  if (mobile < MIX.verifiedMobile) contacts.push({ kind: 'mobile', value: benchMobile(n), verified: true });
  else if (mobile < MIX.verifiedMobile + MIX.unverifiedMobile) contacts.push({ kind: 'mobile', value: benchMobile(n), verified: false });
  if (draw() < MIX.email) contacts.push({ kind: 'email', value: `member${n}@bench.example.be`, verified: true });
  if (draw() < MIX.landline) contacts.push({ kind: 'phone', value: benchLandline(n), verified: true });

  const preferences: Array<{ categoryCode: string; channel: Channel; enabled: boolean }> = [];
  if (draw() < MIX.covidEmailOptIn) preferences.push({ categoryCode: 'covid', channel: 'email', enabled: true });
  if (draw() < MIX.preventionSmsOptOut) preferences.push({ categoryCode: 'prevention', channel: 'sms', enabled: false });

  return { displayName: fictitiousName(n), language, memberships, contacts, preferences };
}

/** The BINs member n may be in: all 14, or, when the normal alert is smaller, 13 or the 14th. */
export function binsFor(n: number, normalMembers: number, totalMembers: number): readonly string[] {
  const all = AALST_BINS.map((b) => b.id);
  if (normalMembers >= totalMembers) return all;
  return n < normalMembers ? all.filter((b) => b !== OUTSIDE_NORMAL_BIN) : [OUTSIDE_NORMAL_BIN];
}

export function normalAlertBins(normalMembers: number, totalMembers: number): string[] {
  return [...binsFor(0, normalMembers, totalMembers)];
}

function adminUrl(url: string): { admin: string; database: string } {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  u.pathname = '/postgres';
  return { admin: u.toString(), database };
}

/** Creates the benchmark's own database when missing, empties its schema and migrates it. */
export async function resetBenchDatabase(url: string): Promise<void> {
  const { admin, database } = adminUrl(url);
  if (!/^bin_alert_bench[a-z0-9_]*$/.test(database)) throw new Error(`refusing to reset database '${database}': the benchmark only resets databases named bin_alert_bench*`);
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${database}"`);
      console.log(`[bench] created database ${database}`);
    }
  } finally {
    await client.end();
  }
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await db.end();
  }
  const ds = await openDataSource(url, 2);
  try {
    const applied = await migrate(ds);
    console.log(`[bench] database ${database}: schema recreated, ${applied.length} migrations applied`);
  } finally {
    await ds.destroy();
  }
}

/** Seeds members 0…total-1 with registerMany, in batches, printing progress. */
export async function seedMembers(url: string, total: number, normalMembers: number, batch: number): Promise<number> {
  const ds = await openDataSource(url, 2);
  const started = Date.now();
  try {
    const repo = new MemberRepository(ds);
    let lastPrint = 0;
    for (let from = 0; from < total; from += batch) {
      const to = Math.min(total, from + batch);
      const members: NewMember[] = [];
      for (let n = from; n < to; n++) members.push(benchMember(n, binsFor(n, normalMembers, total)));
      await repo.registerMany(members);
      const now = Date.now();
      if (now - lastPrint > 2000 || to === total) {
        console.log(`[bench] seeding ${to}/${total} (${((now - started) / 1000).toFixed(1)} s)`);
        lastPrint = now;
      }
    }
    // Fresh statistics, so that the planner picks the plans it would on a long-lived database.
    await ds.query('ANALYZE');
  } finally {
    await ds.destroy();
  }
  return Date.now() - started;
}
