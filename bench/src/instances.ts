import { Pool } from 'pg';
import { senderGroup } from '@bin-alert/contracts';
import { CHANNELS, Channel, Urgency } from '@bin-alert/domain';
import { withKafkaAdmin } from '@bin-alert/messaging';
import type { IssuedAlert } from './measurements';
import { AppSpec, sleep } from './processes';

/** Instance i of a dispatcher listens on its channel's port + i × this, so that any number run side by side. */
export const INSTANCE_PORT_STEP = 10;

/** The most instances a run may start per dispatcher: each needs a port of its own (INSTANCE_PORT_STEP apart). */
export const MAX_INSTANCES = 9;

/** dispatcher-sms-a, dispatcher-sms-b…: the names the chaos scenarios kill by and the benchmark reports shares by. */
export function instanceName(channel: Channel, i: number): string {
  return `dispatcher-${channel}-${String.fromCharCode(97 + i)}`;
}

/**
 * `instances` processes of each dispatcher from dist, each with its own port (DISPATCHER_<CHANNEL>_PORT)
 * and ready URL. `name` says what to call instance i (the benchmark keeps the plain app name for one).
 */
export function dispatcherInstanceSpecs(
  dist: (app: string) => string,
  ports: Record<Channel, number>,
  instances: number,
  env: NodeJS.ProcessEnv,
  name: (channel: Channel, i: number) => string = instanceName,
): Array<{ spec: AppSpec; env: NodeJS.ProcessEnv }> {
  return CHANNELS.flatMap((channel) =>
    Array.from({ length: instances }, (_, i) => {
      const port = ports[channel] + i * INSTANCE_PORT_STEP;
      return {
        spec: { name: name(channel, i), entry: dist(`dispatcher-${channel}`), readyUrl: `http://127.0.0.1:${port}/health/ready`, port },
        env: { ...env, [`DISPATCHER_${channel.toUpperCase()}_PORT`]: String(port) },
      };
    }),
  );
}

/**
 * Until every channel's normal senders' group is stable with `instances` members holding partitions:
 * an alert issued before that would be taken by the instances that joined first. Returns whether it happened in time.
 */
export async function waitForSenderGroups(brokers: string[], instances: number, clientId: string, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stable = await withKafkaAdmin(
      brokers,
      async (admin) => {
        const { groups } = await admin.describeGroups(CHANNELS.map((c) => senderGroup(c, 'normal')));
        return groups.every((g) => g.state === 'Stable' && g.members.filter((m) => m.memberAssignment.length > 0).length === instances);
      },
      clientId,
    ).catch(() => false);
    if (stable) return true;
    await sleep(1000);
  }
  return false;
}

/** What one instance sent of one lane: its accepted deliveries, their share of the lane's, and its own rate. */
export interface InstanceShare {
  instance: string;
  accepted: number;
  share: number;
  /** accepted ÷ (its last accept − its first accept). */
  per_s: number | null;
}

export type InstanceShares = Record<Channel, Partial<Record<Urgency, InstanceShare[]>>>;

/**
 * Who sent what, from the deliveries table: the sender writes its lease holder (host:pid:random)
 * into claimed_by, and the pid names the instance. The normal alert's deliveries went on the
 * normal lane, the urgent alert's (fallbacks included) on the urgent one. A delivery taken over
 * counts for the instance that sent it last.
 */
export async function instanceShares(pool: Pool, alerts: IssuedAlert[], nameOfPid: Map<number, string>): Promise<InstanceShares> {
  const { rows } = await pool.query(
    `SELECT alert_id::text, channel, nullif(split_part(claimed_by, ':', 2), '')::int AS pid, count(*)::int AS accepted,
            extract(epoch FROM max(accepted_at) - min(accepted_at)) AS span_s
       FROM deliveries WHERE alert_id = ANY($1::uuid[]) AND accepted_at IS NOT NULL
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [alerts.map((a) => a.id)],
  );
  const lane = new Map(alerts.map((a) => [a.id, a.label as Urgency]));
  const shares = Object.fromEntries(CHANNELS.map((c) => [c, {}])) as InstanceShares;
  for (const r of rows) {
    const byLane = shares[r.channel as Channel];
    const urgency = lane.get(r.alert_id)!;
    const list = byLane[urgency] ?? [];
    byLane[urgency] = list;
    const span = Number(r.span_s);
    list.push({ instance: nameOfPid.get(r.pid) ?? `pid ${r.pid ?? '?'}`, accepted: r.accepted, share: 0, per_s: span > 0 ? Math.round(r.accepted / span) : null });
  }
  for (const byLane of Object.values(shares)) {
    for (const list of Object.values(byLane)) {
      const total = list.reduce((s, i) => s + i.accepted, 0);
      for (const i of list) i.share = Math.round((i.accepted / total) * 1000) / 1000;
      list.sort((a, b) => a.instance.localeCompare(b.instance));
    }
  }
  return shares;
}

/** "sms normal a 34% b 33% c 33%; …": the shares on one line. */
export function sharesLine(shares: InstanceShares): string {
  return CHANNELS.flatMap((c) =>
    (['normal', 'urgent'] as const)
      .filter((l) => shares[c][l]?.length)
      .map((l) => `${c} ${l} ${shares[c][l]!.map((i) => `${i.instance.replace(`dispatcher-${c}`, '').replace(/^-/, '') || 'one'} ${Math.round(i.share * 100)}%`).join(' ')}`),
  ).join('; ');
}
