import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUDIT_ACTIONS, AuditEntry } from '@bin-alert/domain';
import { TEST_DATABASE_URL } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { MemberRepository } from './member.repository';
import { MembershipRepository } from './membership.repository';
import { PreferenceRepository } from './preference.repository';

/**
 * Membership changes on the real PostgreSQL: each is written with its audit line or not at all
 * (issue 4 item 7), and the lines it causes (notification to FOD, erasure) come with it.
 */
describe('membership changes and their audit lines', () => {
  let db: DataSource;
  let memberships: MembershipRepository;
  let preferences: PreferenceRepository;

  beforeAll(async () => {
    db = await openDataSource(TEST_DATABASE_URL, 3);
    memberships = new MembershipRepository(db);
    preferences = new PreferenceRepository(db);
  });

  afterAll(async () => {
    await db.destroy();
  });

  const board = { accountId: 'board-arend', role: 'board' as const };
  const police = { accountId: 'op-arend', role: 'operator' as const };
  /** An audit line PostgreSQL refuses (target_type must read lower_case): its change must roll back. */
  const refused = (memberId: string): AuditEntry => ({ actor: board, action: AUDIT_ACTIONS.membershipApproved, target: { type: 'Not A Type', id: memberId } });
  const auditOf = (targetId: string) => db.query(`SELECT action, actor_account_id, target_type, details FROM audit_log WHERE target_id = $1 ORDER BY id`, [targetId]);
  const aMember = (role: 'member' | 'board' = 'member') =>
    new MemberRepository(db).register({
      displayName: `Lid ${randomUUID().slice(0, 8)}`,
      language: 'nl',
      memberships: [{ binId: 'arend', role }],
      contacts: [
        { kind: 'mobile', value: '+32470999001', verified: true },
        { kind: 'email', value: `lid.${randomUUID().slice(0, 8)}@example.be`, verified: true },
      ],
    });

  it('stores no application when its audit line cannot be written', async () => {
    const name = `Aanvrager ${randomUUID()}`;
    const application = { displayName: name, language: 'nl' as const, binIds: ['arend'], email: 'aanvrager@example.be', mobile: null, consentAt: new Date() };
    await expect(memberships.apply(application, { actor: null, action: 'not an action' })).rejects.toThrow(/<what>\.<what_happened>/);
    expect(await db.query(`SELECT id FROM members WHERE display_name = $1`, [name])).toEqual([]);
    expect(await db.query(`SELECT id FROM contact_points WHERE value = 'aanvrager@example.be'`)).toEqual([]);

    const { memberId } = await memberships.apply(application, { actor: null, action: AUDIT_ACTIONS.membershipApplied, details: { bins: ['arend'] } });
    expect(await auditOf(memberId)).toEqual([{ action: 'membership.applied', actor_account_id: null, target_type: 'member', details: { bins: ['arend'] } }]);
    await db.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1`, [memberId]);
  });

  it('leaves an application undecided and a contact unconfirmed when the audit line fails', async () => {
    const { memberId } = await memberships.apply(
      { displayName: 'Beslissing', language: 'nl', binIds: ['arend'], email: `b.${randomUUID().slice(0, 8)}@example.be`, mobile: null, consentAt: new Date() },
      { actor: null, action: AUDIT_ACTIONS.membershipApplied },
    );
    await db.query(`UPDATE outbox SET published_at = now() WHERE message_key = $1`, [memberId]);
    const [contact] = await db.query(`SELECT id FROM contact_points WHERE member_id = $1`, [memberId]);
    await expect(memberships.confirmContact(memberId, contact.id, 'email', refused(memberId))).rejects.toThrow(/audit_log_target_type_check/);
    expect(await db.query(`SELECT verified_at FROM contact_points WHERE id = $1`, [contact.id])).toEqual([{ verified_at: null }]);
    await expect(memberships.decide(memberId, 'arend', 'refused', board.accountId, refused(memberId))).rejects.toThrow(/audit_log_target_type_check/);
    expect(await memberships.membershipsOf(memberId)).toEqual([{ binId: 'arend', role: 'member', status: 'applied' }]);
    expect((await auditOf(memberId)).map((a: { action: string }) => a.action)).toEqual(['membership.applied']);
  });

  it('neither resigns nor erases a member when the audit line fails', async () => {
    const memberId = await aMember();
    await expect(memberships.resign(memberId, ['arend'], 'self', refused(memberId))).rejects.toThrow(/audit_log_target_type_check/);
    expect(await memberships.membershipsOf(memberId)).toEqual([{ binId: 'arend', role: 'member', status: 'active' }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM contact_points WHERE member_id = $1`, [memberId])).toEqual([{ n: 2 }]);
    expect(await db.query(`SELECT erased_at FROM members WHERE id = $1`, [memberId])).toEqual([{ erased_at: null }]);
    expect(await auditOf(memberId)).toEqual([]);
  });

  it('audits a board member resigned by the police with the notification to FOD and the erasure, in that order', async () => {
    const memberId = await aMember('board');
    const entry: AuditEntry = { actor: police, action: AUDIT_ACTIONS.membershipResigned, target: { type: 'member', id: memberId }, details: { by: 'police' } };
    expect(await memberships.resign(memberId, ['arend'], police.accountId, entry)).toEqual({ resigned: ['arend'], erased: true, interiorNotifications: 1 });
    const [notification] = await db.query(`SELECT id::text FROM interior_notifications WHERE member_id = $1`, [memberId]);
    const lines = await db.query(`SELECT action, actor_account_id, target_type, target_id, details FROM audit_log WHERE target_id IN ($1, $2) ORDER BY id`, [
      memberId,
      notification.id,
    ]);
    expect(lines).toEqual([
      { action: 'membership.resigned', actor_account_id: 'op-arend', target_type: 'member', target_id: memberId, details: { by: 'police', bins: ['arend'], boardMember: true } },
      {
        action: 'interior_notification.recorded',
        actor_account_id: 'op-arend',
        target_type: 'interior_notification',
        target_id: notification.id,
        details: { memberId, bin: 'arend', event: 'board_member_resigned' },
      },
      { action: 'member.erased', actor_account_id: 'op-arend', target_type: 'member', target_id: memberId, details: {} },
    ]);

    await expect(
      memberships.markInteriorNotificationSent(notification.id, null, police.accountId, { ...refused(notification.id), action: AUDIT_ACTIONS.interiorNotificationSent }),
    ).rejects.toThrow(/audit_log_target_type_check/);
    expect(await db.query(`SELECT sent_at FROM interior_notifications WHERE id = $1`, [notification.id])).toEqual([{ sent_at: null }]);
  });

  it('changes no preference and no category rule when the audit line fails', async () => {
    const memberId = await aMember();
    const change = { choices: [{ category: 'prevention', channel: 'sms' as const, enabled: false }] };
    await expect(preferences.change(memberId, change, refused(memberId))).rejects.toThrow(/audit_log_target_type_check/);
    expect(await db.query(`SELECT 1 FROM preferences WHERE member_id = $1`, [memberId])).toEqual([]);

    const [before] = await db.query(`SELECT rule, rule_changed_at FROM categories WHERE code = 'prevention'`);
    const switched = { actor: { accountId: 'sup-1', role: 'supervisor' as const }, action: AUDIT_ACTIONS.categoryRuleSwitched, target: { type: 'Not A Type', id: 'prevention' } };
    await expect(preferences.switchCategoryRule('prevention', before.rule === 'opt_in' ? 'opt_out' : 'opt_in', 'sup-1', switched)).rejects.toThrow(/audit_log_target_type_check/);
    expect(await db.query(`SELECT rule, rule_changed_at FROM categories WHERE code = 'prevention'`)).toEqual([before]);
    expect(await db.query(`SELECT 1 FROM category_campaigns WHERE started_by = 'sup-1'`)).toEqual([]);
  });
});
