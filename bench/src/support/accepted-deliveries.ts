import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CHANNELS, Channel, Language, deliveryId } from '@bin-alert/domain';
import { AlertRepository, DeliveryRepository, MemberRepository } from '@bin-alert/persistence';

export interface TrackedMember {
  alertId: string;
  memberId: string;
  delivery: Record<Channel, string>;
}

/**
 * An alert and `count` members reachable on every channel, each delivery accepted by its
 * provider: what the tracker finds when callbacks start to come in. Written in bulk, so that
 * tests and measurements of batches can have thousands of deliveries in a few seconds.
 */
export async function seedAcceptedDeliveries(db: DataSource, count: number, options: { language?: Language; alertId?: string; status?: string } = {}): Promise<TrackedMember[]> {
  const alertId = options.alertId ?? randomUUID();
  const language = options.language ?? 'nl';
  await ensureTrackedAlert(db, alertId);
  const tag = randomUUID().slice(0, 8);
  const memberIds: string[] = [];
  for (let from = 0; from < count; from += 2_000) {
    const chunk = Array.from({ length: Math.min(2_000, count - from) }, (_, i) => {
      const n = from + i;
      return {
        displayName: `Tracked ${tag} ${n}`,
        language,
        memberships: [{ binId: 'herdersem' }],
        contacts: [
          { kind: 'mobile' as const, value: `+3247${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`, verified: true },
          { kind: 'phone' as const, value: `+3253${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`, verified: true },
          { kind: 'email' as const, value: `tracked-${tag}-${n}@example.be`, verified: true },
        ],
      };
    });
    memberIds.push(...(await new MemberRepository(db).registerMany(chunk)));
  }
  const contacts: Array<{ id: string; member_id: string; kind: string }> = await db.query(`SELECT id, member_id, kind FROM contact_points WHERE member_id = ANY($1::uuid[])`, [
    memberIds,
  ]);
  const contactOf = new Map(contacts.map((c) => [`${c.member_id}/${c.kind}`, c.id]));
  const kindOf: Record<Channel, string> = { sms: 'mobile', voice: 'phone', email: 'email' };
  await new DeliveryRepository(db).recordDecisions(
    alertId,
    memberIds.flatMap((memberId) => CHANNELS.map((channel) => ({ send: true as const, memberId, channel, contactId: contactOf.get(`${memberId}/${kindOf[channel]}`)!, language }))),
  );
  // What a dispatcher records once the provider took the message.
  await db.query(`UPDATE deliveries SET status = $3, accepted_at = now(), attempts = 1 WHERE alert_id = $1 AND member_id = ANY($2::uuid[])`, [
    alertId,
    memberIds,
    options.status ?? 'accepted',
  ]);
  return memberIds.map((memberId) => ({ alertId, memberId, delivery: Object.fromEntries(CHANNELS.map((c) => [c, deliveryId(alertId, memberId, c)])) as Record<Channel, string> }));
}

/**
 * A normal alert with this id, there only to give deliveries a parent: its announcement is marked
 * published at once, so that no suite's outbox relay ever sends or chokes on it.
 */
export async function ensureTrackedAlert(db: DataSource, alertId: string): Promise<void> {
  const alerts = new AlertRepository(db);
  if (await alerts.exists(alertId)) return;
  await alerts.create(
    {
      id: alertId,
      categoryCode: 'burglary',
      urgency: 'normal',
      redistributionAllowed: true,
      binIds: ['herdersem'],
      texts: { nl: { title: 't', body: 'b' }, fr: { title: 't', body: 'b' } },
      issuedAt: new Date(),
    },
    { topic: 'test.unpublished', key: alertId, payload: {} },
    { actor: null, action: 'alert.issued', target: { type: 'alert', id: alertId } },
  );
  await db.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1`, [alertId]);
}
