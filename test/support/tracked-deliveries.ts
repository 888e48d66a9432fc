import { randomUUID } from 'node:crypto';
import { createHmac } from 'node:crypto';
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
  const alerts = new AlertRepository(db);
  if (!(await alerts.exists(alertId))) {
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
    // The alert only gives deliveries a parent: its announcement must never reach an outbox relay.
    await db.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1`, [alertId]);
  }
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

/** X-Twilio-Signature as Twilio computes it: HMAC-SHA1 of the URL and the sorted parameters. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export interface SignedCallback {
  path: string;
  params: Record<string, string>;
  signature: string;
}

/** Twilio's `sent` then `delivered` callbacks for each seeded member's SMS, signed for `baseUrl`. */
export function signedSmsStatusCallbacks(seeded: TrackedMember[], authToken: string, baseUrl: string): SignedCallback[] {
  return seeded.flatMap((s) => {
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    return ['sent', 'delivered'].map((status) => {
      const path = `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`;
      const params = { MessageSid: sid, MessageStatus: status, AccountSid: 'AC00000000000000000000000000000000' };
      return { path, params, signature: twilioSignature(authToken, `${baseUrl}${path}`, params) };
    });
  });
}

/** Posts the callbacks in order with `concurrency` in flight, as a provider would; returns how many got each status code. */
export async function postCallbacks(baseUrl: string, callbacks: SignedCallback[], concurrency: number): Promise<Map<number, number>> {
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < callbacks.length) {
        const c = callbacks[next++];
        const res = await fetch(`${baseUrl}${c.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': c.signature },
          body: new URLSearchParams(c.params).toString(),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}
