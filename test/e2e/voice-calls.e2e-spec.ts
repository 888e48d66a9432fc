import 'reflect-metadata';
import { deliveryId } from '@bin-alert/domain';
import { DeliveryTrackingRepository } from '@bin-alert/persistence';
import { asAalstOperator } from '../support/access-tokens';
import { aMember } from '../support/member.builder';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';

/**
 * Voice done properly, end to end: members a call did not reach are called again after a delay,
 * up to the configured number of times; a voicemail gets the message once, a person twice with
 * "press 1"; a late callback of an abandoned call cannot touch the new call's status.
 * Phone numbers are the simulator's magic ones (apps/provider-sim/README.md).
 */
describe('voice calls: redials and answering machines', () => {
  let stack: RunningStack;
  const phones = {
    outFirstTime: '+32470991600', // no answer, then a person who presses 1
    busyFirstTime: '+32470991700', // busy, then a person who presses 1
    neverAnswers: '+32470991000',
    voicemail: '+32470991200',
    listener: '+32470991400', // a person who presses 1
  };
  const memberIds: Record<keyof typeof phones, string> = {} as Record<keyof typeof phones, string>;
  const body = 'Lucas (8) draagt een rode jas en een blauwe rugzak.';

  beforeAll(async () => {
    stack = await startStack({ VOICE_REDIALS: '2', VOICE_REDIAL_DELAY_SECONDS: '1' });
    for (const [who, phone] of Object.entries(phones) as Array<[keyof typeof phones, string]>) {
      memberIds[who] = await aMember(who).speaking('nl').inBins('herdersem').withPhone(phone).save(stack.members);
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const callsTo = async (to: string) => {
    const res = await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { messages: Array<{ id: string; channel: string; said?: Array<{ text: string }>; outcome?: string }> }).messages.filter(
      (m) => m.channel === 'voice',
    );
  };
  const delivery = async (alertId: string, who: keyof typeof phones) => {
    const [row] = await stack.db.query(`SELECT id, status, reason, redials, provider_id, superseded_provider_ids, acknowledged_at FROM deliveries WHERE id = $1`, [
      deliveryId(alertId, memberIds[who], 'voice'),
    ]);
    return row as {
      id: string;
      status: string;
      reason: string | null;
      redials: number;
      provider_id: string | null;
      superseded_provider_ids: string[];
      acknowledged_at: Date | null;
    };
  };
  const timesSaid = (call: { said?: Array<{ text: string }> }) => (call.said ?? []).filter((s) => s.text.includes(body)).length;

  it('calls again whoever did not answer or was busy, up to the limit, and a voicemail hears the message once', async () => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAalstOperator() },
      body: JSON.stringify({ category: 'missing_person', urgency: 'urgent', bins: ['herdersem'], texts: { nl: { title: 'Vermiste jongen', body } } }),
    });
    expect(res.status).toBe(201);
    const { id: alertId } = (await res.json()) as { id: string };

    const final = ['delivered', 'no_answer', 'busy', 'failed'];
    await waitFor(
      async () => Promise.all((Object.keys(phones) as Array<keyof typeof phones>).map(async (who) => ({ who, ...(await delivery(alertId, who)) }))),
      (rows) => rows.every((r) => final.includes(r.status) && (r.status !== 'no_answer' || r.redials === 2)),
      { what: 'every call settled, the unanswered one after its last redial', timeoutMs: 60_000 },
    );

    // Reached on the second call, and confirmed with 1.
    for (const who of ['outFirstTime', 'busyFirstTime'] as const) {
      const calls = await callsTo(phones[who]);
      expect(calls.map((c) => c.outcome)).toEqual([who === 'outFirstTime' ? 'no-answer' : 'busy', 'completed']);
      const row = await delivery(alertId, who);
      expect(row).toMatchObject({ status: 'delivered', redials: 1, provider_id: calls[1].id, superseded_provider_ids: [calls[0].id] });
      expect(row.acknowledged_at).not.toBeNull();
      expect(timesSaid(calls[1])).toBe(2);
    }

    // Three calls in all (the first and two redials), then the member is left alone.
    const unanswered = await callsTo(phones.neverAnswers);
    expect(unanswered.map((c) => c.outcome)).toEqual(['no-answer', 'no-answer', 'no-answer']);
    expect(await delivery(alertId, 'neverAnswers')).toMatchObject({ status: 'no_answer', redials: 2 });

    // A voicemail: one call, the message left once, nothing to press.
    const [voicemail, ...noMore] = await callsTo(phones.voicemail);
    expect(noMore).toEqual([]);
    expect(timesSaid(voicemail)).toBe(1);
    expect(await delivery(alertId, 'voicemail')).toMatchObject({ status: 'delivered', reason: 'answered_by_machine', redials: 0 });

    // A person who answers at once: one call, the message twice, confirmed.
    const [listened, ...notAgain] = await callsTo(phones.listener);
    expect(notAgain).toEqual([]);
    expect(timesSaid(listened)).toBe(2);
    expect((await delivery(alertId, 'listener')).acknowledged_at).not.toBeNull();

    // Nothing else: no redial for anyone who was reached, even after more redial rounds.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await callsTo(phones.outFirstTime)).length).toBe(2);
    expect((await callsTo(phones.listener)).length).toBe(1);
  }, 90_000);

  it("ignores a late callback of an abandoned call, and applies the current call's", async () => {
    const [row] = await stack.db.query(`SELECT id, provider_id, superseded_provider_ids FROM deliveries WHERE channel = 'voice' AND redials = 1 LIMIT 1`);
    // As if the redial were still ringing when the first call's callback finally arrived.
    await stack.db.query(`UPDATE deliveries SET status = 'sent' WHERE id = $1`, [row.id]);
    const tracking = new DeliveryTrackingRepository(stack.db);
    const change = { deliveryId: row.id, channel: 'voice' as const, status: 'no_answer' as const, providerStatus: 'no-answer', acknowledged: false, occurredAt: new Date() };

    const late = await tracking.applyStatusChange({ ...change, providerId: row.superseded_provider_ids[0] });
    expect(late).toMatchObject({ transitioned: false, status: 'sent' });
    const current = await tracking.applyStatusChange({ ...change, status: 'answered', providerStatus: 'in-progress', providerId: row.provider_id });
    expect(current).toMatchObject({ transitioned: true, status: 'answered' });
  });
});
