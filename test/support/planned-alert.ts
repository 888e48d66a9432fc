import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AlertIssuedV1 } from '@bin-alert/contracts';
import { AlertContent, Channel, Language, Urgency, deliveryId } from '@bin-alert/domain';
import { AlertRepository, DeliveryRepository, MemberRepository } from '@bin-alert/persistence';
import { aMember } from './member.builder';

/** A normal prevention alert to `binIds`, stored as issued, and the event its dispatchers plan from. */
export async function issuedAlert(db: DataSource, binIds: string[], over: Partial<AlertIssuedV1> = {}): Promise<AlertIssuedV1> {
  const alertId = randomUUID();
  const event: AlertIssuedV1 = {
    type: 'alert.issued',
    version: 1,
    alertId,
    category: 'prevention',
    urgency: 'normal',
    binIds,
    redistributionAllowed: true,
    texts: { nl: { title: 'Preventie', body: 'Sluit uw fiets op slot.' } },
    issuedAt: new Date().toISOString(),
    ...over,
  };
  await new AlertRepository(db).create(
    { id: alertId, categoryCode: event.category, urgency: event.urgency, redistributionAllowed: true, binIds, texts: event.texts, issuedAt: new Date() },
    null,
    { actor: null, action: 'alert.issued', target: { type: 'alert', id: alertId } },
  );
  return event;
}

/** An existing member's contact point a planned delivery goes to. */
export interface PlannedMember {
  memberId: string;
  contactId: string;
}

export interface PlannedAlertOptions {
  /** The deliveries' channel; a call goes to the mobile number. Default: sms. */
  channel?: Channel;
  /** Languages the deliveries take by turns. Default: nl. */
  languages?: Language[];
  /** Default: normal. */
  urgency?: Urgency;
  /** The alert's category code. Default: burglary. */
  category?: string;
  /** Default: one Dutch text, title 't', body 'b'. */
  texts?: AlertContent['texts'];
}

/**
 * An issued alert in herdersem with one planned delivery on the channel per member: `members` new
 * members (a number), or the given existing members' contact points (another alert to the same
 * member and number).
 */
export async function plannedAlert(db: DataSource, members: number | PlannedMember[], options: PlannedAlertOptions = {}): Promise<{ alertId: string; ids: string[] }> {
  const { channel = 'sms', languages = ['nl'], urgency = 'normal', category = 'burglary', texts = { nl: { title: 't', body: 'b' } } } = options;
  const alertId = randomUUID();
  await new AlertRepository(db).create({ id: alertId, categoryCode: category, urgency, redistributionAllowed: true, binIds: ['herdersem'], texts, issuedAt: new Date() }, null, {
    actor: null,
    action: 'alert.issued',
    target: { type: 'alert', id: alertId },
  });
  const recipients = typeof members === 'number' ? await newMembers(db, members, channel) : members;
  const decisions = recipients.map(({ memberId, contactId }, i) => ({ send: true as const, memberId, channel, contactId, language: languages[i % languages.length] }));
  await new DeliveryRepository(db).recordDecisions(alertId, decisions);
  return { alertId, ids: decisions.map((d) => deliveryId(alertId, d.memberId, channel)) };
}

async function newMembers(db: DataSource, count: number, channel: Channel): Promise<PlannedMember[]> {
  const created: PlannedMember[] = [];
  for (let i = 0; i < count; i++) {
    const unique = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const member = aMember().inBins('herdersem');
    const memberId = await (channel === 'email' ? member.withEmail(`m${unique}-${i}@planned.test`) : member.withMobile(`+32471${unique}`)).save(new MemberRepository(db));
    const [{ id: contactId }] = await db.query(`SELECT id FROM contact_points WHERE member_id = $1`, [memberId]);
    created.push({ memberId, contactId });
  }
  return created;
}

/** The alert's deliveries counted by `status:reason` (or `status` alone). */
export async function deliveryStatuses(db: DataSource, alertId: string): Promise<Record<string, number>> {
  const rows: Array<{ s: string; n: number }> = await db.query(
    `SELECT status || coalesce(':' || reason, '') AS s, count(*)::int AS n FROM deliveries WHERE alert_id = $1 GROUP BY 1`,
    [alertId],
  );
  return Object.fromEntries(rows.map((r) => [r.s, r.n]));
}
