import 'reflect-metadata';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@bin-alert/messaging';
import { TOPICS, expanderGroup, jobsTopic, senderGroup } from '@bin-alert/contracts';
import { aMember } from '../support/member.builder';
import { consumerLag } from '../support/kafka-probe';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';
import { asAalstOperator } from '../support/access-tokens';

/**
 * The walking skeleton end to end: intake → outbox → Kafka → three dispatchers → the official
 * Twilio and SendGrid SDKs → the provider simulator, on the real PostgreSQL, Redis and Kafka.
 */
describe('an urgent missing-person alert reaches exactly the right members', () => {
  let stack: RunningStack;

  // Herdersem and Moorsel are targeted; Mijlbeek is not.
  const anna = { mobile: '+32470000001', email: 'anna@example.be' };
  const bruno = { mobile: '+32470000002', email: 'bruno@example.be', phone: '+3253710002' };
  const chris = { mobile: '+32470000003', email: 'chris@example.be' };
  const dina = { mobile: '+32470000004', email: 'dina@example.be' };
  const emiel = { mobile: '+32470000005', email: 'emiel@example.be' };
  const frieda = { mobile: '+32470000006', email: 'frieda@example.be' };

  beforeAll(async () => {
    stack = await startStack();
    // Anna: Dutch, Herdersem, subscribed to COVID by SMS and e-mail.
    await aMember('Anna').speaking('nl').inBins('herdersem').withMobile(anna.mobile).withEmail(anna.email).choosing('covid', ['sms', 'email'], true).save(stack.members);
    // Bruno: French-speaking, Moorsel, also takes voice calls on his landline.
    await aMember('Bruno').speaking('fr').inBins('moorsel').withMobile(bruno.mobile).withEmail(bruno.email).withPhone(bruno.phone).save(stack.members);
    // Chris: member of both targeted BINs, explicitly opted out of COVID.
    await aMember('Chris')
      .speaking('nl')
      .inBins('herdersem', 'moorsel')
      .withMobile(chris.mobile)
      .withEmail(chris.email)
      .choosing('covid', ['sms', 'email', 'voice'], false)
      .save(stack.members);
    // Dina: mobile number never verified; subscribed to COVID by e-mail only.
    await aMember('Dina').speaking('nl').inBins('herdersem').withMobile(dina.mobile, false).withEmail(dina.email).choosing('covid', ['email'], true).save(stack.members);
    // Emiel: lives in Mijlbeek, which is not targeted.
    await aMember('Emiel').speaking('nl').inBins('mijlbeek').withMobile(emiel.mobile).withEmail(emiel.email).choosing('covid', ['sms'], true).save(stack.members);
    // Frieda: tried to switch missing-person alerts off by SMS; the category is mandatory.
    await aMember('Frieda').speaking('de').inBins('moorsel').withMobile(frieda.mobile).withEmail(frieda.email).choosing('missing_person', ['sms'], false).save(stack.members);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const inbox = async (to: string) => {
    const res = await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`);
    return ((await res.json()) as { messages: Array<Record<string, any>> }).messages;
  };
  const allMessages = async () => ((await (await fetch(`${stack.sim.url}/__sim/messages`)).json()) as { messages: unknown[] }).messages;
  const postAlert = async (body: unknown) => {
    const res = await fetch(`${stack.intakeUrl}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...asAalstOperator() }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const getAlert = async (id: string) => (await (await fetch(`${stack.intakeUrl}/v1/alerts/${id}`, { headers: asAalstOperator() })).json()) as any;
  // Final once the providers' callbacks have come back through the tracker.
  const FINAL = ['delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed', 'suppressed'];
  const settled = (alert: any, channels: Record<string, number>) =>
    Object.entries(channels).every(([c, total]) => {
      const counts = alert.deliveries?.[c];
      return counts && counts.total === total && Object.keys(counts.byStatus).every((status) => FINAL.includes(status));
    });

  let missingPersonAlertId: string;

  it('sends each channel once per person, in their language, and records why the others were left out', async () => {
    missingPersonAlertId = await postAlert({
      category: 'missing_person',
      urgency: 'urgent',
      bins: ['herdersem', 'moorsel'],
      redistributionAllowed: true,
      texts: {
        nl: { title: 'Vermiste jongen Lucas (8)', body: 'Lucas draagt een rode jas en een blauwe rugzak. Gezien? Bel 101.' },
        fr: { title: 'Garçon disparu Lucas (8 ans)', body: 'Lucas porte une veste rouge et un sac à dos bleu. Vu? Appelez le 101.' },
      },
    });

    // Five members live in the targeted BINs (Chris counted once): one row per member and channel.
    // Accepted by the providers, then delivered according to their signed callbacks.
    const alert = await waitFor(
      () => getAlert(missingPersonAlertId),
      (a) => settled(a, { sms: 5, email: 5, voice: 5 }),
      { what: 'all deliveries settled' },
    );
    expect(alert.deliveries.sms.byStatus).toEqual({ delivered: 4, suppressed: 1 });
    expect(alert.deliveries.sms.suppressedByReason).toEqual({ contact_not_verified: 1 });
    expect(alert.deliveries.email.byStatus).toEqual({ delivered: 5 });
    expect(alert.deliveries.voice.byStatus).toEqual({ delivered: 1, suppressed: 4 });
    expect(alert.deliveries.voice.suppressedByReason).toEqual({ no_contact_point: 4 });

    // Dutch SMS, urgent, with the redistribution status.
    const annaSms = (await inbox(anna.mobile)).filter((m) => m.channel === 'sms');
    expect(annaSms).toHaveLength(1);
    expect(annaSms[0].body).toContain('DRINGEND: Vermiste jongen Lucas (8)');
    expect(annaSms[0].body).toContain('Dit bericht mag gedeeld worden.');

    // French SMS, e-mail and a French voice call for Bruno.
    const brunoSms = (await inbox(bruno.mobile)).filter((m) => m.channel === 'sms');
    expect(brunoSms).toHaveLength(1);
    expect(brunoSms[0].body).toContain('URGENT: Garçon disparu Lucas (8 ans)');
    expect(brunoSms[0].body).toContain('Ce message peut être partagé.');
    const brunoMail = await inbox(bruno.email);
    expect(brunoMail).toHaveLength(1);
    expect(brunoMail[0].subject).toBe('[URGENT] Garçon disparu Lucas (8 ans)');
    const brunoCall = await inbox(bruno.phone);
    expect(brunoCall).toHaveLength(1);
    expect(brunoCall[0].channel).toBe('voice');
    expect(brunoCall[0].said.length).toBeGreaterThanOrEqual(1);
    // Belgian French, in the Belgian French neural voice (TWILIO_VOICE_FR's default).
    expect(brunoCall[0].said.every((s: any) => s.language === 'fr-BE' && s.voice === 'Polly.Isabelle-Neural')).toBe(true);
    expect(brunoCall[0].said[0].text).toContain('Garçon disparu Lucas');

    // Chris is in both BINs and still gets one SMS and one e-mail.
    expect(await inbox(chris.mobile)).toHaveLength(1);
    expect(await inbox(chris.email)).toHaveLength(1);

    // Dina's mobile is unverified: e-mail only.
    expect(await inbox(dina.mobile)).toHaveLength(0);
    expect(await inbox(dina.email)).toHaveLength(1);

    // Emiel's BIN was not targeted.
    expect(await inbox(emiel.mobile)).toHaveLength(0);
    expect(await inbox(emiel.email)).toHaveLength(0);

    // Frieda's opt-out does not hold for a mandatory category; she reads it in the zone's language.
    const friedaSms = await inbox(frieda.mobile);
    expect(friedaSms).toHaveLength(1);
    expect(friedaSms[0].body).toContain('Vermiste jongen Lucas');

    // Every e-mail carries its own delivery id for the status callbacks to come.
    const annaMail = await inbox(anna.email);
    expect(annaMail[0].customArgs.delivery_id).toMatch(/^[0-9a-f-]{36}$/);

    // Nothing else was sent: 4 SMS + 5 e-mails + 1 call.
    expect(await allMessages()).toHaveLength(10);
  });

  it('does not send anything twice when the same alert event is delivered again', async () => {
    const before = (await allMessages()).length;
    const kafka = createKafkaClient({ clientId: 'test-redeliver', brokers: stack.config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const { rows } = { rows: await stack.db.query(`SELECT payload, headers FROM outbox WHERE message_key = $1`, [missingPersonAlertId]) };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPICS.alerts, messages: [{ key: missingPersonAlertId, value: JSON.stringify(rows[0].payload) }] });
    await producer.disconnect();

    // The expander re-emits the alert's jobs; wait until the senders have consumed those too.
    for (const channel of ['sms', 'email', 'voice'] as const) {
      await waitFor(
        () => consumerLag(stack.config.KAFKA_BROKERS, expanderGroup(channel, 'urgent'), TOPICS.alerts),
        (lag) => lag === 0,
        {
          what: `${channel} expander to consume the redelivered event`,
        },
      );
      await waitFor(
        () => consumerLag(stack.config.KAFKA_BROKERS, senderGroup(channel, 'urgent'), jobsTopic(channel, 'urgent')),
        (lag) => lag === 0,
        {
          what: `${channel} senders to consume the re-emitted jobs`,
        },
      );
    }
    expect(await allMessages()).toHaveLength(before);
  });

  it('sends a COVID message only to the members who opted in, on the channels they chose', async () => {
    const covidAlertId = await postAlert({
      category: 'covid',
      bins: ['herdersem', 'moorsel', 'mijlbeek'],
      texts: { nl: { title: 'Vaccinatiecentrum open', body: 'Het vaccinatiecentrum is open op zaterdag.' } },
    });
    await waitFor(
      () => getAlert(covidAlertId),
      (a) => settled(a, { sms: 6, email: 6, voice: 6 }),
      { what: 'COVID deliveries settled' },
    );

    const covid = (messages: Array<Record<string, any>>) => messages.filter((m) => (m.body ?? m.subject ?? '').includes('Vaccinatiecentrum'));
    expect(covid(await inbox(anna.mobile))).toHaveLength(1);
    expect(covid(await inbox(anna.email))).toHaveLength(1);
    expect(covid(await inbox(emiel.mobile))).toHaveLength(1);
    expect(covid(await inbox(dina.email))).toHaveLength(1);
    for (const address of [bruno.mobile, bruno.email, chris.mobile, chris.email, frieda.mobile, frieda.email, emiel.email, dina.mobile]) {
      expect(covid(await inbox(address))).toHaveLength(0);
    }
    const alert = await getAlert(covidAlertId);
    expect(alert.redistributionAllowed).toBe(true);
    expect(alert.deliveries.sms.suppressedByReason).toMatchObject({ not_opted_in: 3 });
  });

  it('stops SMS to a member who replies STOP, even urgent ones, until START', async () => {
    const reply = async (body: string) => {
      const res = await fetch(`${stack.sim.url}/__sim/inbound-sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: anna.mobile, to: stack.config.TWILIO_FROM_NUMBER, body }),
      });
      expect(res.ok).toBe(true);
    };
    await reply('STOP');
    const afterStop = await postAlert({ category: 'missing_person', bins: ['herdersem'], texts: { nl: { title: 'Vermist: Noor (7)', body: 'Gele regenjas.' } } });
    const stopped = await waitFor(
      () => getAlert(afterStop),
      (a) => settled(a, { sms: 3, email: 3 }),
      { what: 'alert after STOP settled' },
    );
    expect(stopped.deliveries.sms.suppressedByReason).toMatchObject({ stopped_by_recipient: 1 });
    const noor = (messages: Array<Record<string, any>>) => messages.filter((m) => (m.body ?? m.subject ?? '').includes('Noor'));
    expect(noor(await inbox(anna.mobile))).toHaveLength(0);
    expect(noor(await inbox(anna.email))).toHaveLength(1);

    await reply('START');
    const afterStart = await postAlert({ category: 'missing_person', bins: ['herdersem'], texts: { nl: { title: 'Gevonden: Noor', body: 'Noor is terecht.' } } });
    await waitFor(
      () => getAlert(afterStart),
      (a) => settled(a, { sms: 3 }),
      { what: 'alert after START settled' },
    );
    expect((await inbox(anna.mobile)).filter((m) => m.body.includes('Gevonden: Noor'))).toHaveLength(1);
  });
});
