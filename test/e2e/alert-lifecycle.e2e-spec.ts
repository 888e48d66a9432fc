import 'reflect-metadata';
import { readCapAlert } from '@bin-alert/domain';
import { aMember } from '../support/member.builder';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';
import { bearer } from '../support/access-tokens';
import { startDispatcher } from '@bin-alert/dispatch';

/**
 * The alert lifecycle on the real stack (intake → Kafka → dispatchers → SDKs → simulator):
 * a test alert never reaches a non-test member and says so on every channel; updates and
 * cancels reach exactly the original recipients whatever changed since; four eyes for urgent
 * alerts; CAP Alert, Update and Cancel through the HTTP API.
 */
describe('alert lifecycle end to end', () => {
  let stack: RunningStack;

  const operator = bearer({ accountId: 'op-anja' });
  const supervisor = bearer({ accountId: 'sup-bart', role: 'supervisor' });
  const otherSupervisor = bearer({ accountId: 'sup-carla', role: 'supervisor' });

  // Herdersem and Moorsel. Tessa and Ulrich are in the test group; Anna and Bruno are not.
  const tessa = { mobile: '+32470100001', email: 'tessa@example.be', phone: '+3253710101' };
  const ulrich = { mobile: '+32470100002', email: 'ulrich@example.be' };
  const anna = { mobile: '+32470100003', email: 'anna@example.be', phone: '+3253710103' };
  const bruno = { mobile: '+32470100004', email: 'bruno@example.be' };
  const carl = { mobile: '+32470100005', email: 'carl@example.be' };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({ APPROVAL_REQUIRED_FOR: 'urgent' });
    ids.tessa = await aMember('Tessa').speaking('nl').inBins('herdersem').withMobile(tessa.mobile).withEmail(tessa.email).withPhone(tessa.phone).save(stack.members);
    ids.ulrich = await aMember('Ulrich').speaking('fr').inBins('moorsel').withMobile(ulrich.mobile).withEmail(ulrich.email).save(stack.members);
    ids.anna = await aMember('Anna').speaking('nl').inBins('herdersem').withMobile(anna.mobile).withEmail(anna.email).withPhone(anna.phone).save(stack.members);
    ids.bruno = await aMember('Bruno').speaking('fr').inBins('moorsel').withMobile(bruno.mobile).withEmail(bruno.email).save(stack.members);
    await stack.db.query(`UPDATE members SET is_test_group = true WHERE id = ANY($1)`, [[ids.tessa, ids.ulrich]]);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const inbox = async (to: string): Promise<Array<Record<string, any>>> =>
    ((await (await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`)).json()) as { messages: Array<Record<string, any>> }).messages;
  const containing = (text: string, messages: Array<Record<string, any>>) =>
    messages.filter((m) => [m.body, m.subject, ...(m.said ?? []).map((s: { text: string }) => s.text)].some((t) => typeof t === 'string' && t.includes(text)));
  const call = async (method: string, path: string, authorization = operator, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${stack.intakeUrl}${path}`, {
      method,
      headers: { authorization, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
  };
  const FINAL = ['delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed', 'suppressed'];
  /** Every channel has its expected number of rows, all final once the callbacks came back. */
  const settle = (id: string, channels: Record<string, number>, what: string) =>
    waitFor(
      async () => (await call('GET', `/v1/alerts/${id}`)).json,
      (alert) =>
        Object.entries(channels).every(([c, total]) => {
          const counts = alert.deliveries?.[c];
          return total === 0 ? !counts : counts?.total === total && Object.keys(counts.byStatus).every((s) => FINAL.includes(s));
        }),
      { what },
    );

  it('sends a test alert to the test group only, saying TEST on every channel in the member language', async () => {
    const res = await call('POST', '/v1/alerts', operator, {
      category: 'burglary',
      kind: 'test',
      bins: ['herdersem', 'moorsel'],
      texts: { nl: { title: 'Proef inbraakmelding', body: 'Niets aan de hand.' }, fr: { title: 'Essai cambriolage', body: 'Rien à signaler.' } },
    });
    expect(res.json.status).toBe('issued');
    // Rows only for the two members of the test group: the others are not even candidates.
    const alert = await settle(res.json.id, { sms: 2, email: 2, voice: 2 }, 'test alert settled');
    expect(alert).toMatchObject({ kind: 'test', status: 'issued' });

    const [tessaSms] = await inbox(tessa.mobile).then((m) => m.filter((x) => x.channel === 'sms'));
    expect(tessaSms.body.startsWith('TEST: Proef inbraakmelding')).toBe(true);
    expect(tessaSms.body).toContain('Dit is een test, geen echte melding.');
    expect(tessaSms.body).toContain('Dit bericht mag gedeeld worden.');
    const [tessaMail] = await inbox(tessa.email);
    expect(tessaMail.subject).toBe('[TEST] Proef inbraakmelding');
    expect(tessaMail.text).toContain('Dit is een test, geen echte melding.');
    expect(tessaMail.html).toContain('Dit is een test, geen echte melding.');
    const [tessaCall] = await inbox(tessa.phone);
    expect(tessaCall.said[0].text).toContain('TEST. Dit is een test, geen echte melding.');

    const [ulrichSms] = await inbox(ulrich.mobile);
    expect(ulrichSms.body.startsWith('TEST: Essai cambriolage')).toBe(true);
    expect(ulrichSms.body).toContain('Ceci est un test, pas une vraie alerte.');
    const [ulrichMail] = await inbox(ulrich.email);
    expect(ulrichMail.subject).toBe('[TEST] Essai cambriolage');

    for (const address of [anna.mobile, anna.email, anna.phone, bruno.mobile, bruno.email]) expect(await inbox(address)).toEqual([]);
  });

  let originalId: string;

  it('cancels to exactly the original recipients after an opt-out, a resignation, a STOP and a new member', async () => {
    const res = await call('POST', '/v1/alerts', operator, {
      category: 'burglary',
      bins: ['herdersem', 'moorsel'],
      texts: {
        nl: { title: 'Verdachte bestelwagen', body: 'Witte bestelwagen in de Kerkstraat.' },
        fr: { title: 'Camionnette suspecte', body: 'Camionnette blanche rue de l’Église.' },
      },
    });
    originalId = res.json.id;
    // Four members; two have a phone.
    await settle(originalId, { sms: 4, email: 4, voice: 4 }, 'original settled');
    for (const address of [anna.mobile, anna.email, anna.phone, bruno.mobile, bruno.email, tessa.mobile, ulrich.mobile]) {
      expect(containing('bestelwagen', await inbox(address)).length + containing('Camionnette', await inbox(address)).length).toBe(1);
    }

    // Since then: Anna switched burglary off everywhere, Bruno resigned, Ulrich replied STOP, Carl joined.
    await stack.db.query(`INSERT INTO preferences (member_id, category_code, channel, enabled) SELECT $1, 'burglary', c, false FROM unnest(ARRAY['sms','email','voice']) c`, [
      ids.anna,
    ]);
    await stack.db.query(`UPDATE memberships SET status = 'resigned' WHERE member_id = $1`, [ids.bruno]);
    const stop = await fetch(`${stack.sim.url}/__sim/inbound-sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: ulrich.mobile, to: stack.config.TWILIO_FROM_NUMBER, body: 'STOP' }),
    });
    expect(stop.ok).toBe(true);
    await waitFor(
      async () => (await stack.db.query(`SELECT sms_opted_out_at FROM contact_points WHERE member_id = $1 AND kind = 'mobile'`, [ids.ulrich]))[0].sms_opted_out_at,
      Boolean,
      { what: "Ulrich's STOP recorded" },
    );
    ids.carl = await aMember('Carl').speaking('nl').inBins('herdersem').withMobile(carl.mobile).withEmail(carl.email).save(stack.members);

    const cancel = await call('POST', `/v1/alerts/${originalId}/cancel`, operator, {
      texts: { nl: { title: 'Bestelwagen gecontroleerd', body: 'Loos alarm, bedankt.' }, fr: { title: 'Camionnette contrôlée', body: 'Fausse alerte, merci.' } },
    });
    expect(cancel.status).toBe(201);
    // Same rows as the original reached: 4 SMS (one stopped since), 4 e-mails, 2 calls.
    const cancelled = await settle(cancel.json.id, { sms: 4, email: 4, voice: 2 }, 'cancel settled');
    expect(cancelled.deliveries.sms.byStatus).toEqual({ delivered: 3, suppressed: 1 });
    expect(cancelled.deliveries.sms.suppressedByReason).toEqual({ stopped_by_recipient: 1 });
    expect(cancelled.deliveries.email.byStatus).toEqual({ delivered: 4 });
    expect(cancelled.deliveries.voice.byStatus).toEqual({ delivered: 2 });

    const cancelOf = (messages: Array<Record<string, any>>) => [...containing('gecontroleerd', messages), ...containing('contrôlée', messages)];
    for (const address of [anna.mobile, anna.email, anna.phone, bruno.mobile, bruno.email, tessa.mobile, tessa.email, tessa.phone, ulrich.email]) {
      expect(cancelOf(await inbox(address))).toHaveLength(1);
    }
    expect(cancelOf(await inbox(ulrich.mobile))).toHaveLength(0);
    expect(await inbox(carl.mobile)).toEqual([]);
    expect(await inbox(carl.email)).toEqual([]);
    const [annaCancel] = cancelOf(await inbox(anna.mobile));
    expect(annaCancel.body.startsWith('EINDE ALARM: Bestelwagen gecontroleerd')).toBe(true);
    const [brunoCancel] = cancelOf(await inbox(bruno.mobile));
    expect(brunoCancel.body.startsWith("FIN D'ALERTE: Camionnette contrôlée")).toBe(true);
    expect((await call('GET', `/v1/alerts/${originalId}`)).json.status).toBe('cancelled');
  });

  it('holds an urgent alert until a supervisor other than its author approves it', async () => {
    const res = await call('POST', '/v1/alerts', supervisor, {
      category: 'missing_person',
      bins: ['herdersem'],
      texts: { nl: { title: 'Vermist: Noor (7)', body: 'Gele regenjas.' } },
    });
    expect(res.json.status).toBe('awaiting_approval');
    const refused = await call('POST', `/v1/alerts/${res.json.id}/approve`, supervisor);
    expect(refused.status).toBe(403);
    expect(refused.json.message).toContain('may not approve it');
    expect(await stack.db.query(`SELECT 1 FROM outbox WHERE message_key = $1`, [res.json.id])).toEqual([]);

    expect((await call('POST', `/v1/alerts/${res.json.id}/approve`, otherSupervisor)).status).toBe(200);
    // Herdersem now: Tessa, Anna, Carl (mandatory category: Anna's burglary opt-out is irrelevant).
    await settle(res.json.id, { sms: 3, email: 3, voice: 3 }, 'approved alert settled');
    expect(containing('DRINGEND: Vermist: Noor (7)', await inbox(anna.mobile))).toHaveLength(1);
    expect(containing('Vermist: Noor', await inbox(carl.mobile))).toHaveLength(1);
  });

  it('takes a CAP Alert, Update and Cancel through the HTTP API, and exports each back', async () => {
    const when = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, '+00:00');
    const sent = when(0);
    const cap = (body: string) => call('POST', '/v1/alerts', operator, body, 'application/cap+xml');
    const info = (language: string, headline: string, withTarget: boolean) => `
      <info>
        <language>${language}</language><category>Security</category><event>Inbraak</event>
        <urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>
        ${withTarget ? '<eventCode><valueName>bin-category</valueName><value>prevention</value></eventCode>' : ''}
        <expires>${when(3_600_000)}</expires>
        <headline>${headline}</headline><description>Quick &amp; Lock: sluit af.</description>
        ${withTarget ? '<area><areaDesc>BIN Moorsel</areaDesc><geocode><valueName>bin</valueName><value>moorsel</value></geocode></area>' : ''}
      </info>`;
    const document = (identifier: string, msgType: string, references: string, infos: string) => `<?xml version="1.0" encoding="UTF-8"?>
      <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
        <identifier>${identifier}</identifier><sender>meldkamer@politie-aalst.example</sender><sent>${sent}</sent>
        <status>Actual</status><msgType>${msgType}</msgType><scope>Public</scope>${references}${infos}
      </alert>`;
    const reference = (identifier: string) => `meldkamer@politie-aalst.example,${identifier},${sent}`;

    const alertXml = document('PZ-E2E-1', 'Alert', '', info('nl-BE', 'Preventie Moorsel', true) + info('fr-BE', 'Prévention Moorsel', true));
    const alert = await cap(alertXml);
    expect(alert.status).toBe(201);
    expect(alert.json.status).toBe('issued');
    // Moorsel: Ulrich (STOP on SMS) and Bruno, who resigned: Bruno is no longer a member.
    await settle(alert.json.id, { sms: 1, email: 1, voice: 1 }, 'CAP alert settled');
    expect(containing('Prévention Moorsel', await inbox(ulrich.email))).toHaveLength(1);

    const update = await cap(document('PZ-E2E-2', 'Update', `<references>${reference('PZ-E2E-1')}</references>`, info('fr-BE', 'Prévention Moorsel: mise à jour', false)));
    expect(update.status).toBe(201);
    await settle(update.json.id, { sms: 0, email: 1, voice: 0 }, 'CAP update settled');
    expect(containing('Prévention Moorsel: mise à jour', await inbox(ulrich.email))).toHaveLength(1);

    const cancel = await cap(
      document('PZ-E2E-3', 'Cancel', `<references>${reference('PZ-E2E-1')} ${reference('PZ-E2E-2')}</references>`, info('nl-BE', 'Preventie Moorsel afgelopen', false)),
    );
    expect(cancel.status).toBe(201);
    await settle(cancel.json.id, { sms: 0, email: 1, voice: 0 }, 'CAP cancel settled');
    // Ulrich reads French; the cancel has Dutch only: the zone's language.
    const [ulrichCancel] = containing('Preventie Moorsel afgelopen', await inbox(ulrich.email));
    expect(ulrichCancel.subject).toBe('[EINDE ALARM] Preventie Moorsel afgelopen');

    const exportedCancel = await call('GET', `/v1/alerts/${cancel.json.id}/cap`);
    expect(exportedCancel.text).toContain('<msgType>Cancel</msgType>');
    // The whole chain, as CAP 1.2 defines references: the original and the update.
    expect(exportedCancel.text).toContain(`<references>${reference('PZ-E2E-1')} ${reference('PZ-E2E-2')}</references>`);
    const exportedAlert = await call('GET', `/v1/alerts/${alert.json.id}/cap`);
    const [imported, readBack] = [readCapAlert(alertXml), readCapAlert(exportedAlert.text)];
    if (!imported.ok || !readBack.ok) throw new Error('unreadable CAP');
    // The import named no redistribution: the default rule (non-urgent: may be shared) is written out,
    // as a parameter of each kept info block (ADR 0024); everything else reads back as it came.
    const stated = { ...imported.alert.details, infos: imported.alert.details.infos.map((info) => ({ ...info, parameters: [{ valueName: 'redistribution', value: 'allowed' }] })) };
    expect(readBack.alert).toEqual({ ...imported.alert, redistributionAllowed: true, details: stated });
    expect((await call('GET', `/v1/alerts/${alert.json.id}`)).json.status).toBe('cancelled');
  });

  it("gives members an imported CAP alert's instruction and contact line by SMS, e-mail and call", async () => {
    const when = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, '+00:00');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
        <identifier>PZ-E2E-CONTACT</identifier><sender>meldkamer@politie-aalst.example</sender><sent>${when(0)}</sent>
        <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
        <info>
          <language>nl-BE</language><category>Rescue</category><event>Vermiste hond</event>
          <urgency>Expected</urgency><severity>Moderate</severity><certainty>Possible</certainty>
          <eventCode><valueName>bin-category</valueName><value>general</value></eventCode>
          <expires>${when(3_600_000)}</expires>
          <headline>Hond Max vermist in Herdersem</headline><description>Bruine labrador met rode halsband.</description>
          <instruction>Niet achtervolgen, hij is schuw.</instruction>
          <contact>Wijkagent Aalst 053 72 43 00</contact>
          <area><areaDesc>BIN Herdersem</areaDesc><geocode><valueName>bin</valueName><value>herdersem</value></geocode></area>
        </info>
      </alert>`;
    const res = await call('POST', '/v1/alerts', operator, xml, 'application/cap+xml');
    expect(res.status).toBe(201);
    expect(res.json.status).toBe('issued');
    // Anna (not in the test group) reads Dutch and has a mobile, an e-mail address and a phone.
    const received = (address: string) =>
      waitFor(
        async () => containing('Hond Max vermist', await inbox(address)),
        (messages) => messages.length === 1,
        { what: `the alert at ${address}` },
      );
    const [sms] = await received(anna.mobile);
    expect(sms.body).toContain('Bruine labrador met rode halsband.\nNiet achtervolgen, hij is schuw.\nContact: Wijkagent Aalst 053 72 43 00\n');
    const [email] = await received(anna.email);
    expect(email.text).toContain('Niet achtervolgen, hij is schuw.\n\nContact: Wijkagent Aalst 053 72 43 00');
    const [call_] = await received(anna.phone);
    expect(call_.said.map((s: { text: string }) => s.text).join(' ')).toContain('Niet achtervolgen, hij is schuw. Contact: Wijkagent Aalst 053 72 43 00.');
    // And the export gives the contact back where CAP has it.
    expect((await call('GET', `/v1/alerts/${res.json.id}/cap`)).text).toContain('<contact>Wijkagent Aalst 053 72 43 00</contact>');
  });

  it('refuses invalid CAP with 400 naming the element and writes nothing', async () => {
    const count = async () => (await stack.db.query(`SELECT (SELECT count(*) FROM alerts)::int + (SELECT count(*) FROM outbox)::int AS n`))[0].n;
    const before = await count();
    const res = await call(
      'POST',
      '/v1/alerts',
      operator,
      '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>X</identifier><sender>s</sender><sent>2026-11-29T10:00:00+01:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><category>Rescue</category><event>e</event><urgency>Now</urgency><severity>Severe</severity><certainty>Observed</certainty><headline>h</headline><description>d</description></info></alert>',
      'application/cap+xml',
    );
    expect(res.status).toBe(400);
    expect(res.json.errors).toContainEqual({ field: 'alert.info[0].urgency', code: 'invalid', reason: expect.stringContaining("'Now' is not one of") });
    expect(await count()).toBe(before);
  });

  it('sends nothing of an alert past its expiry and shows it expired', async () => {
    // The SMS dispatcher is down while the alert is live: by the time it is back, the alert expired.
    await stack.dispatchers.get('sms')!.close();
    stack.dispatchers.delete('sms');
    const res = await call('POST', '/v1/alerts', operator, {
      category: 'general',
      bins: ['herdersem'],
      expiresAt: new Date(Date.now() + 5000).toISOString(),
      texts: { nl: { title: 'Straat afgesloten', body: 'Markt op zaterdag.' } },
    });
    const id = res.json.id;
    // Herdersem: Tessa, Anna, Carl. E-mail goes out while the alert is live.
    await settle(id, { email: 3 }, 'e-mail of the expiring alert settled');
    await waitFor(
      async () => (await call('GET', `/v1/alerts/${id}`)).json.status,
      (status) => status === 'expired',
      { what: 'alert expired' },
    );

    stack.dispatchers.set('sms', await startDispatcher('sms', stack.config, 0));
    const alert = await settle(id, { sms: 3 }, 'SMS of the expired alert settled');
    expect(alert.deliveries.sms.byStatus).toEqual({ suppressed: 3 });
    expect(alert.deliveries.sms.suppressedByReason).toEqual({ expired: 3 });
    expect(alert.deliveries.email.byStatus).toEqual({ delivered: 3 });
    for (const mobile of [tessa.mobile, anna.mobile, carl.mobile]) expect(containing('Straat afgesloten', await inbox(mobile))).toEqual([]);
    expect(containing('Straat afgesloten', await inbox(anna.email))).toHaveLength(1);
  });
});
