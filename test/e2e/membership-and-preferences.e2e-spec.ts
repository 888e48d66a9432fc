import 'reflect-metadata';
import { LinkSigner, MEMBER_PAGE_PATHS } from '@bin-alert/domain';
import { memberLinkSecretFrom } from '@bin-alert/platform';
import { aMember } from '../support/member.builder';
import { RunningStack, startStack } from '../support/running-stack';
import { waitFor } from '../../bench/src/support/wait-for';
import { asAalstOperator, bearer } from '../support/access-tokens';

type Message = Record<string, any>;

/**
 * Issue 4, items 2, 3, 7 (privacy) and 8 on the real stack: categories and the COVID campaign,
 * the preference centre and one-click unsubscribe, quiet hours in dispatch, the membership
 * lifecycle with its scope rules, erasure on resignation, reports. Every log line written while
 * it runs is captured and searched for the contact data it uses.
 */
describe('membership, preferences and privacy', () => {
  let stack: RunningStack;
  let signer: LinkSigner;
  const logged: string[] = [];
  const restore: Array<() => void> = [];

  const anna = { mobile: '+32470100001', email: 'anna.peeters@example.be' };
  const bart = { mobile: '+32470100002', email: 'bart.declercq@example.be' };
  const cora = { mobile: '+32470100003' };
  const dirk = { email: 'dirk.covid@example.be' };
  const quinten = { mobile: '+32470100005', email: 'quinten.stil@example.be' };
  const applicant = { mobile: '0470 10 00 06', e164: '+32470100006', email: 'Nieuw.Lid@Example.BE', normalised: 'Nieuw.Lid@example.be' };
  const bestuur = { mobile: '+32470100007', email: 'bestuur.herdersem@example.be' };
  const contactData = [anna, bart, cora, dirk, quinten, bestuur].flatMap((p) => Object.values(p)).concat([applicant.e164, applicant.normalised, '470100006', 'Nieuw.Lid']);

  const supervisor = bearer({ role: 'supervisor' });
  const herdersemBoard = bearer({ accountId: 'board-herdersem', role: 'board', binIds: ['herdersem'] });
  const moorselBoard = bearer({ accountId: 'board-moorsel', role: 'board', binIds: ['moorsel'] });
  const admin = bearer({ accountId: 'test-admin', role: 'admin' });

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        logged.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = original));
    }
    stack = await startStack({ LOG_LEVEL: 'debug', APPLICATIONS_PER_IP_PER_HOUR: '12', DISPATCH_DEFERRED_POLL_MS: '200' });
    signer = new LinkSigner(memberLinkSecretFrom(stack.config));
    await aMember('Anna').inBins('herdersem').withMobile(anna.mobile).withEmail(anna.email).save(stack.members);
    await aMember('Bart').speaking('fr').inBins('herdersem', 'moorsel').withMobile(bart.mobile).withEmail(bart.email).save(stack.members);
    await aMember('Cora').inBins('herdersem').withMobile(cora.mobile).save(stack.members);
    await aMember('Dirk').inBins('moorsel').withEmail(dirk.email).choosing('covid', ['email'], true).save(stack.members);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    for (const r of restore) r();
  });

  const api = async (method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${stack.intakeUrl}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: options.token } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : options.raw,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
  const inbox = async (to: string): Promise<Message[]> =>
    ((await (await fetch(`${stack.sim.url}/__sim/inbox?to=${encodeURIComponent(to)}`)).json()) as { messages: Message[] }).messages;
  const about = (word: string) => (messages: Message[]) => messages.filter((m) => `${m.subject ?? ''} ${m.body ?? ''} ${m.text ?? ''}`.includes(word));
  const postAlert = async (body: Record<string, unknown>) => {
    const res = await api('POST', '/v1/alerts', { token: asAalstOperator().authorization, body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const FINAL = ['delivered', 'undelivered', 'bounced', 'no_answer', 'busy', 'failed', 'suppressed'];
  const settledAlert = async (id: string, totals: Record<string, number>) =>
    waitFor(
      () => api('GET', `/v1/alerts/${id}`, { token: asAalstOperator().authorization }).then((r) => r.body),
      (a) => Object.entries(totals).every(([c, n]) => a.deliveries?.[c]?.total === n && Object.keys(a.deliveries[c].byStatus).every((s) => FINAL.includes(s))),
      { what: `alert ${id} settled`, timeoutMs: 40_000 },
    );
  /** The token of the link to a member page in a message; the tests then use it on the JSON API. */
  const tokenIn = (text: string, page: string) => {
    const match = new RegExp(`${escapeRegExp(`${stack.config.MEMBER_LINKS_BASE_URL}${page}?token=`)}([A-Za-z0-9_.%-]+)`).exec(text);
    if (!match) throw new Error(`no ${page} link in: ${text}`);
    return decodeURIComponent(match[1]);
  };
  /** The audit lines about a target, oldest first, as an admin reads them. */
  const auditOf = async (targetType: string, targetId: string) => {
    const res = await api('GET', `/v1/audit?targetType=${targetType}&targetId=${targetId}&limit=500`, { token: admin });
    expect(res.status).toBe(200);
    return (res.body.entries as Message[]).reverse();
  };
  const memberIdOf = async (email: string) => (await stack.db.query(`SELECT member_id FROM contact_points WHERE value = $1`, [email]))[0].member_id as string;

  describe('categories and the COVID opt-in campaign', () => {
    it('stops COVID for everyone who did not opt in, invites each member once by e-mail, and delivers to those who follow the link', async () => {
      // Before the boards' vote: COVID reaches everyone by default.
      expect((await api('PUT', '/v1/categories/covid/rule', { token: supervisor, body: { rule: 'opt_out' } })).body).toMatchObject({
        from: 'opt_in',
        rule: 'opt_out',
        campaign: null,
      });
      const before = await postAlert({ category: 'covid', bins: ['herdersem', 'moorsel'], texts: { nl: { title: 'Testcentrum A', body: 'Open.' } } });
      await settledAlert(before, { sms: 4, email: 4 });
      expect(about('Testcentrum A')(await inbox(anna.mobile))).toHaveLength(1);
      expect(about('Testcentrum A')(await inbox(cora.mobile))).toHaveLength(1);

      // Only a supervisor switches a rule.
      expect((await api('PUT', '/v1/categories/covid/rule', { token: herdersemBoard, body: { rule: 'opt_in' } })).status).toBe(403);
      expect((await api('PUT', '/v1/categories/covid/rule', { token: supervisor, body: { rule: 'sometimes' } })).body.errors[0].field).toBe('rule');

      const vote = await api('PUT', '/v1/categories/covid/rule', { token: supervisor, body: { rule: 'opt_in' } });
      expect(vote.status).toBe(200);
      // Anna and Bart (Bart is in two BINs: one invitation); Cora has no e-mail; Dirk already opted in.
      expect(vote.body).toMatchObject({ from: 'opt_out', rule: 'opt_in', campaign: { recipients: 2 } });
      expect((await auditOf('category', 'covid')).map((e) => [e.action, e.actor?.role, e.details])).toEqual([
        ['category.rule_switched', 'supervisor', { previousRule: 'opt_in', rule: 'opt_out' }],
        ['category.rule_switched', 'supervisor', { previousRule: 'opt_out', rule: 'opt_in' }],
      ]);
      expect((await auditOf('category_campaign', vote.body.campaign.id)).map((e) => [e.action, e.details])).toEqual([
        ['category_campaign.started', { category: 'covid', invitations: 2 }],
      ]);

      const invitations = await waitFor(
        async () => [...(await inbox(anna.email)), ...(await inbox(bart.email))].filter((m) => m.categories?.includes('category_invitation')),
        (m) => m.length >= 2,
        { what: 'the campaign e-mails' },
      );
      expect(invitations).toHaveLength(2);
      expect((await inbox(bart.email)).filter((m) => m.categories?.includes('category_invitation'))[0].subject).toContain('COVID-19');
      expect((await inbox(dirk.email)).filter((m) => m.categories?.includes('category_invitation'))).toHaveLength(0);

      const afterVote = await postAlert({ category: 'covid', bins: ['herdersem', 'moorsel'], texts: { nl: { title: 'Testcentrum B', body: 'Open.' } } });
      const settled = await settledAlert(afterVote, { sms: 4, email: 4 });
      expect(settled.deliveries.sms.suppressedByReason).toEqual({ not_opted_in: 3, no_contact_point: 1 });
      for (const address of [anna.mobile, anna.email, bart.mobile, bart.email, cora.mobile]) expect(about('Testcentrum B')(await inbox(address))).toHaveLength(0);
      expect(about('Testcentrum B')(await inbox(dirk.email))).toHaveLength(1);

      // Anna follows the link in her invitation.
      const annaInvitation = (await inbox(anna.email)).find((m) => m.categories?.includes('category_invitation'))!;
      const subscribed = await api('POST', `/v1/preferences/subscribe?token=${encodeURIComponent(tokenIn(annaInvitation.text, MEMBER_PAGE_PATHS.subscribe))}`);
      expect(subscribed.status).toBe(200);
      expect(subscribed.body).toMatchObject({ category: 'covid', channels: ['sms', 'email'] });

      const next = await postAlert({ category: 'covid', bins: ['herdersem', 'moorsel'], texts: { nl: { title: 'Testcentrum C', body: 'Open.' } } });
      await settledAlert(next, { sms: 4, email: 4 });
      expect(about('Testcentrum C')(await inbox(anna.mobile))).toHaveLength(1);
      expect(about('Testcentrum C')(await inbox(anna.email))).toHaveLength(1);
      expect(about('Testcentrum C')(await inbox(bart.email))).toHaveLength(0);
    });

    it('refuses a forged, expired or misused link', async () => {
      const memberId = await memberIdOf(anna.email);
      const expired = signer.sign({ purpose: 'preferences', memberId }, new Date(Date.now() - 40 * 86_400_000));
      expect(await api('GET', `/v1/preferences?token=${expired}`)).toMatchObject({ status: 403, body: { message: 'link refused: expired' } });
      const other = new LinkSigner('someone-elses-secret-of-32-characters!!').sign({ purpose: 'preferences', memberId }, new Date());
      expect(await api('GET', `/v1/preferences?token=${other}`)).toMatchObject({ status: 403, body: { message: 'link refused: bad signature' } });
      const unsubscribeLink = signer.sign({ purpose: 'unsubscribe', memberId, category: 'covid' }, new Date());
      expect(await api('POST', `/v1/membership/resign?token=${unsubscribeLink}`)).toMatchObject({ status: 403, body: { message: 'link refused: wrong purpose' } });
      expect((await api('GET', '/v1/preferences')).status).toBe(403);
    });
  });

  describe('the preference centre', () => {
    it('is reached by a link e-mailed on request, without telling whether an address belongs to a member', async () => {
      const asked = await api('POST', '/v1/preferences/link', { body: { email: bart.email.toUpperCase() } });
      expect(asked.status).toBe(202);
      expect((await api('POST', '/v1/preferences/link', { body: { email: 'nobody@example.be' } })).body).toEqual(asked.body);
      expect((await api('POST', '/v1/preferences/link', { body: { email: 'nobody@' } })).body.errors).toEqual([
        { field: 'email', code: 'bad_format', reason: 'not an e-mail address' },
      ]);
      const [mail] = await waitFor(
        async () => (await inbox(bart.email)).filter((m) => m.categories?.includes('preferences_link')),
        (m) => m.length === 1,
        { what: 'the preferences link' },
      );
      const centre = await api('GET', `/v1/preferences?token=${encodeURIComponent(tokenIn(mail.text, MEMBER_PAGE_PATHS.preferences))}`);
      expect(centre).toMatchObject({ status: 200, body: { memberId: await memberIdOf(bart.email), language: 'fr' } });
      expect(await inbox('nobody@example.be')).toEqual([]);
    });

    it('shows and changes channels per category, language and quiet hours; refuses switching a mandatory category off', async () => {
      const memberId = await memberIdOf(bart.email);
      const token = signer.sign({ purpose: 'preferences', memberId }, new Date());
      const centre = await api('GET', `/v1/preferences?token=${token}`);
      expect(centre.status).toBe(200);
      expect(centre.body).toMatchObject({
        language: 'fr',
        quietHours: null,
        contacts: [
          { channel: 'sms', verified: true },
          { channel: 'email', verified: true },
        ],
      });
      expect(JSON.stringify(centre.body)).not.toContain(bart.email);
      expect(centre.body.categories.find((c: any) => c.code === 'burglary').channels).toEqual({ sms: { receives: true, chosen: null }, email: { receives: true, chosen: null } });

      const bad = await api('PUT', `/v1/preferences?token=${token}`, {
        body: { quietHours: { start: '25:00', end: '07:00' }, choices: [{ category: 'missing_person', channel: 'sms', enabled: false }] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toContainEqual({ field: 'quietHours.start', code: 'bad_format', reason: 'a time HH:MM (00:00–23:59)' });
      const mandatory = await api('PUT', `/v1/preferences?token=${token}`, { body: { choices: [{ category: 'missing_person', channel: 'sms', enabled: false }] } });
      expect(mandatory.body.errors).toEqual([{ field: 'choices[0].enabled', code: 'invalid', reason: "'missing_person' is mandatory: it cannot be switched off" }]);
      const unchanged = (await api('GET', `/v1/preferences?token=${token}`)).body;
      expect({ ...unchanged, links: null }).toEqual({ ...centre.body, links: null });

      const changed = await api('PUT', `/v1/preferences?token=${token}`, {
        body: { language: 'nl', quietHours: { start: '23:00', end: '06:30' }, choices: [{ category: 'prevention', channel: 'sms', enabled: false }] },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ language: 'nl', quietHours: { start: '23:00', end: '06:30' } });
      expect(changed.body.categories.find((c: any) => c.code === 'prevention').channels.sms).toEqual({ receives: false, chosen: false });
      await api('PUT', `/v1/preferences?token=${token}`, { body: { quietHours: null } });
    });
  });

  describe('one-click unsubscribe', () => {
    it('carries RFC 8058 headers per recipient and unsubscribes that member from that category on e-mail with one POST', async () => {
      const first = await postAlert({ category: 'burglary', bins: ['herdersem'], texts: { nl: { title: 'Inbraakgolf 1', body: 'Sluit af.' } } });
      await settledAlert(first, { sms: 3, email: 3 });
      const [annaMail] = about('Inbraakgolf 1')(await inbox(anna.email));
      const [bartMail] = about('Inbraakgolf 1')(await inbox(bart.email));
      expect(annaMail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(annaMail.headers['List-Unsubscribe']).toMatch(new RegExp(`^<${escapeRegExp(`${stack.config.MEMBER_LINKS_BASE_URL}${MEMBER_PAGE_PATHS.unsubscribe}?token=`)}[^>]+>$`));
      expect(annaMail.headers['List-Unsubscribe']).not.toBe(bartMail.headers['List-Unsubscribe']);

      // The footer of each member's e-mail (one SendGrid request, one shared content) links to
      // their own preference centre and to the same unsubscribe as their header. The alert has
      // only Dutch, so Bart's e-mail is in Dutch, footer included.
      for (const [mail, email] of [
        [annaMail, anna.email],
        [bartMail, bart.email],
      ] as const) {
        const unsubscribeUrl = mail.headers['List-Unsubscribe'].slice(1, -1);
        expect(mail.text).toContain(`Geen berichten over inbraken meer per e-mail: ${unsubscribeUrl}`);
        expect(mail.html).toContain(`<a href="${unsubscribeUrl}" style="color:#1a56a8;text-decoration:underline;">Geen berichten over inbraken meer per e-mail</a>`);
        const centre = await api('GET', `/v1/preferences?token=${encodeURIComponent(tokenIn(mail.text, MEMBER_PAGE_PATHS.preferences))}`);
        expect(centre).toMatchObject({ status: 200, body: { memberId: await memberIdOf(email) } });
        expect(mail.html).toContain(`<a href="${stack.config.MEMBER_LINKS_BASE_URL}${MEMBER_PAGE_PATHS.preferences}?token=`);
        expect(`${mail.text}${mail.html}`).not.toContain('{{');
      }

      // What a mail client does with RFC 8058: POST the one-click body to the header's URL itself,
      // the same address whose GET shows the member the unsubscribe page.
      const oneClick = await fetch(annaMail.headers['List-Unsubscribe'].slice(1, -1), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status).toBe(200);
      expect(oneClick.headers.get('content-type')).toContain('text/html');

      const second = await postAlert({ category: 'burglary', bins: ['herdersem'], texts: { nl: { title: 'Inbraakgolf 2', body: 'Sluit af.' } } });
      const alert = await settledAlert(second, { sms: 3, email: 3 });
      expect(alert.deliveries.email.suppressedByReason).toEqual({ opted_out: 1, no_contact_point: 1 });
      expect(about('Inbraakgolf 2')(await inbox(anna.email))).toHaveLength(0);
      expect(about('Inbraakgolf 2')(await inbox(anna.mobile))).toHaveLength(1);
      expect(about('Inbraakgolf 2')(await inbox(bart.email))).toHaveLength(1);
    });

    it('keeps honouring an SMS STOP next to the e-mail unsubscribe', async () => {
      const res = await fetch(`${stack.sim.url}/__sim/inbound-sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: cora.mobile, to: stack.config.TWILIO_FROM_NUMBER, body: 'STOP' }),
      });
      expect(res.ok).toBe(true);
      await waitFor(
        () => stack.db.query(`SELECT count(*)::int AS n FROM contact_points WHERE value = $1 AND sms_opted_out_at IS NOT NULL`, [cora.mobile]),
        (rows: Array<{ n: number }>) => rows[0].n === 1,
        { what: 'the STOP recorded' },
      );
      const id = await postAlert({ category: 'burglary', bins: ['herdersem'], texts: { nl: { title: 'Inbraakgolf 3', body: 'Sluit af.' } } });
      const alert = await settledAlert(id, { sms: 3, email: 3 });
      expect(alert.deliveries.sms.suppressedByReason).toEqual({ stopped_by_recipient: 1 });
      expect(about('Inbraakgolf 3')(await inbox(cora.mobile))).toHaveLength(0);
    });

    it('offers no unsubscribe on a mandatory category', async () => {
      const id = await postAlert({ category: 'missing_person', urgency: 'urgent', bins: ['herdersem'], texts: { nl: { title: 'Vermist: Mila', body: 'Rode jas.' } } });
      await settledAlert(id, { sms: 3, email: 3 });
      const [mail] = about('Vermist: Mila')(await inbox(anna.email));
      expect(mail.headers?.['List-Unsubscribe']).toBeUndefined();
      expect(mail.text).not.toContain(MEMBER_PAGE_PATHS.unsubscribe);
      expect(tokenIn(mail.text, MEMBER_PAGE_PATHS.preferences)).toBeTruthy();
    });
  });

  describe('quiet hours', () => {
    afterAll(() => stack.clock.reset());

    it('holds a normal alert until they end, but not an urgent one, and sends it once', async () => {
      await aMember('Quinten').inBins('meldert').withMobile(quinten.mobile).withEmail(quinten.email).save(stack.members);
      const memberId = await memberIdOf(quinten.email);
      await stack.db.query(`UPDATE members SET quiet_hours_start = '22:00', quiet_hours_end = '07:00' WHERE id = $1`, [memberId]);
      // 23:00 in Brussels (winter).
      stack.clock.set(new Date('2027-01-14T22:00:00Z'));

      const normal = await postAlert({ category: 'prevention', bins: ['meldert'], texts: { nl: { title: 'Quick & Lock', body: 'Zaterdag fietsgravering.' } } });
      const urgent = await postAlert({ category: 'missing_person', urgency: 'urgent', bins: ['meldert'], texts: { nl: { title: 'Vermist: Jens', body: 'Groene trui.' } } });
      await settledAlert(urgent, { sms: 1, email: 1 });
      expect(about('Vermist: Jens')(await inbox(quinten.mobile))).toHaveLength(1);

      const held: Array<{ channel: string; status: string; deferred_until: Date }> = await waitFor(
        () => stack.db.query(`SELECT channel, status, deferred_until FROM deliveries WHERE alert_id = $1 ORDER BY channel`, [normal]),
        (rows: unknown[]) => rows.length === 3,
        { what: 'the normal alert planned' },
      );
      expect(held.filter((d) => d.status === 'planned').map((d) => [d.channel, new Date(d.deferred_until).toISOString()])).toEqual([
        ['email', '2027-01-15T06:00:00.000Z'],
        ['sms', '2027-01-15T06:00:00.000Z'],
      ]);
      await new Promise((r) => setTimeout(r, 1000));
      expect(about('Quick & Lock')(await inbox(quinten.mobile))).toHaveLength(0);

      // 07:01 in Brussels: the dispatchers release it.
      stack.clock.advance(8 * 3600_000 + 60_000);
      await waitFor(
        () => inbox(quinten.mobile).then(about('Quick & Lock')),
        (m) => m.length === 1,
        { what: 'the held SMS sent after quiet hours' },
      );
      await settledAlert(normal, { sms: 1, email: 1 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(about('Quick & Lock')(await inbox(quinten.mobile))).toHaveLength(1);
      expect(about('Quick & Lock')(await inbox(quinten.email))).toHaveLength(1);
      stack.clock.reset();
    });
  });

  describe('the membership lifecycle', () => {
    const application = { name: 'Nieuw Lid', language: 'nl', bins: ['herdersem'], email: applicant.email, mobile: applicant.mobile, consent: true };
    let memberId: string;

    const counts = async () =>
      (
        await stack.db.query(`SELECT (SELECT count(*) FROM members)::int AS members, (SELECT count(*) FROM contact_points)::int AS contacts,
                                    (SELECT count(*) FROM memberships)::int AS memberships, (SELECT count(*) FROM outbox)::int AS outbox`)
      )[0];

    it.each([
      ['a landline as mobile', { mobile: '053 73 27 27' }, 'mobile', 'bad_format', 'not a mobile number (SMS cannot reach it)'],
      ['no contact at all', { email: undefined, mobile: undefined }, 'email', 'required', 'an e-mail address, a mobile number or a phone number for calls is required'],
      ['a bad e-mail address', { email: 'nieuw.lid@' }, 'email', 'bad_format', 'not an e-mail address'],
      ['no consent', { consent: false }, 'consent', 'not_one_of', 'the applicant must agree to the processing of their data (true)'],
      ['an unknown BIN', { bins: ['atlantis'] }, 'bins[0]', 'unknown', "unknown BIN 'atlantis'"],
      ['an unknown language', { language: 'es' }, 'language', 'not_one_of', 'Invalid enum value'],
    ])('refuses an application with %s: 400 naming the field and what is wrong, nothing written', async (_, change, field, code, reason) => {
      const before = await counts();
      const res = await api('POST', '/v1/applications', { body: { ...application, ...change } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toContainEqual({ field, code, reason: expect.stringContaining(reason) });
      // The number given is never echoed back, in any form (a random correlation id may hold "053").
      for (const form of ['053 73 27 27', '053732727', '+3253732727']) expect(JSON.stringify(res.body)).not.toContain(form);
      expect(await counts()).toEqual(before);
    });

    it('takes an application, confirms the e-mail by link and the mobile by SMS code, and lets only the BIN’s board approve', async () => {
      const res = await api('POST', '/v1/applications', { body: application });
      expect(res.status).toBe(201);
      memberId = res.body.memberId;

      const confirmation = await waitFor(
        () => inbox(applicant.normalised),
        (m) => m.length === 1,
        { what: 'the confirmation e-mail' },
      );
      const sms = await waitFor(
        () => inbox(applicant.e164),
        (m) => m.length === 1,
        { what: 'the SMS code' },
      );
      const code = /\b(\d{6})\b/.exec(sms[0].body)![1];
      expect(await stack.db.query(`SELECT code_hash FROM contact_verifications`)).not.toContainEqual({ code_hash: code });

      // Not before the contacts are confirmed, and never by another BIN's board.
      expect((await api('POST', `/v1/bins/herdersem/members/${memberId}/decision`, { token: herdersemBoard, body: { decision: 'approve' } })).status).toBe(409);
      expect((await api('POST', `/v1/bins/herdersem/members/${memberId}/decision`, { token: moorselBoard, body: { decision: 'approve' } })).status).toBe(403);
      expect((await api('GET', '/v1/bins/herdersem/members', { token: moorselBoard })).status).toBe(403);
      expect((await api('GET', '/v1/bins/moorsel/members', { token: herdersemBoard })).body).toEqual({
        statusCode: 403,
        error: 'FORBIDDEN',
        code: 'bin.outside_scope',
        message: 'not your BIN: moorsel',
        correlationId: expect.any(String),
      });

      const wrong = await api('POST', `/v1/applications/${memberId}/mobile-confirmation`, { body: { code: code === '000000' ? '111111' : '000000' } });
      expect(wrong).toMatchObject({ status: 400, body: { errors: [{ field: 'code', reason: 'wrong code' }] } });
      expect((await api('POST', `/v1/applications/${memberId}/mobile-confirmation`, { body: { code } })).status).toBe(200);
      const link = tokenIn(confirmation[0].text, MEMBER_PAGE_PATHS.confirmEmail);
      expect((await api('GET', `/v1/applications/confirm-email?token=${encodeURIComponent(link)}`)).status).toBe(200);

      const pending = await api('GET', '/v1/bins/herdersem/members?status=applied', { token: herdersemBoard });
      expect(pending.body.members).toEqual([
        expect.objectContaining({
          memberId,
          displayName: 'Nieuw Lid',
          status: 'applied',
          contacts: [
            { kind: 'email', verified: true },
            { kind: 'mobile', verified: true },
          ],
        }),
      ]);
      expect(JSON.stringify(pending.body)).not.toContain(applicant.e164);

      const approved = await api('POST', `/v1/bins/herdersem/members/${memberId}/decision`, { token: herdersemBoard, body: { decision: 'approve' } });
      expect(approved).toMatchObject({ status: 200, body: { status: 'active' } });

      const alert = await postAlert({ category: 'general', bins: ['herdersem'], texts: { nl: { title: 'Welkom nieuwe leden', body: 'Info-avond.' } } });
      await settledAlert(alert, { sms: 4, email: 4 });
      expect(about('Welkom nieuwe leden')(await inbox(applicant.e164))).toHaveLength(1);
      expect(about('Welkom nieuwe leden')(await inbox(applicant.normalised))).toHaveLength(1);
    });

    it('takes an application with a landline for calls only, confirmed by the code a call to it says', async () => {
      const landline = '+3253700099';
      const res = await api('POST', '/v1/applications', { body: { name: 'Vaste Lijn', language: 'de', bins: ['herdersem'], phone: '053 70 00 99', consent: true } });
      expect(res).toMatchObject({ status: 201, body: { next: ['confirm the phone number for calls with the code a call to it says', 'approval by a board member of the BIN'] } });
      const callerId = res.body.memberId as string;
      const call = await waitFor(
        () => inbox(landline),
        (m) => m.length === 1,
        { what: 'the call that says the code' },
      );
      expect(call[0]).toMatchObject({ channel: 'voice', said: [expect.objectContaining({ language: 'de-DE', voice: 'Polly.Vicki-Neural' }), expect.anything()] });
      const code = /(\d), (\d), (\d), (\d), (\d), (\d)\./.exec(call[0].said[0].text)!.slice(1).join('');

      expect((await api('POST', `/v1/applications/${callerId}/mobile-confirmation`, { body: { code } })).status).toBe(404);
      expect((await api('POST', `/v1/applications/${callerId}/phone-confirmation`, { body: { code } })).body).toEqual({ confirmed: 'phone' });
      const pending = await api('GET', '/v1/bins/herdersem/members?status=applied', { token: herdersemBoard });
      expect(pending.body.members).toContainEqual(expect.objectContaining({ memberId: callerId, contacts: [{ kind: 'phone', verified: true }] }));
      expect((await api('POST', `/v1/bins/herdersem/members/${callerId}/decision`, { token: herdersemBoard, body: { decision: 'refuse' } })).status).toBe(200);
    });

    it('lets the new member change preferences and unsubscribe by their links', async () => {
      const changed = await api('PUT', `/v1/preferences?token=${signer.sign({ purpose: 'preferences', memberId }, new Date())}`, {
        body: { language: 'fr', choices: [{ category: 'prevention', channel: 'sms', enabled: false }] },
      });
      expect(changed.status).toBe(200);
      const unsubscribed = await api('POST', `/v1/unsubscribe?token=${signer.sign({ purpose: 'unsubscribe', memberId, category: 'burglary' }, new Date())}`, {
        raw: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(unsubscribed).toMatchObject({ status: 200, body: { category: 'burglary', channel: 'email' } });
    });

    it('lets a member resign by their link, leaving no contact data anywhere and the counts intact', async () => {
      const reachBefore = await api('GET', '/v1/reports/messages', { token: herdersemBoard });
      const token = signer.sign({ purpose: 'resign', memberId }, new Date());
      const res = await api('POST', `/v1/membership/resign?token=${token}`);
      expect(res).toMatchObject({ status: 200, body: { resigned: ['herdersem'], erased: true } });

      const tables: Array<{ table_name: string }> = await stack.db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      expect(tables.length).toBeGreaterThan(10);
      for (const { table_name } of tables) {
        for (const needle of [applicant.e164, applicant.normalised.toLowerCase(), '470100006', 'Nieuw Lid']) {
          const [row] = await stack.db.query(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE lower(t::text) LIKE '%' || lower($1) || '%'`, [needle]);
          expect({ table: table_name, needle, rows: row.n }).toEqual({ table: table_name, needle, rows: 0 });
        }
      }
      const [member] = await stack.db.query(`SELECT display_name, erased_at FROM members WHERE id = $1`, [memberId]);
      expect(member.display_name).toMatch(/^former-member-/);
      expect(await stack.db.query(`SELECT count(*)::int AS n FROM deliveries WHERE member_id = $1`, [memberId])).toEqual([{ n: 3 }]);
      expect((await api('GET', '/v1/reports/messages', { token: herdersemBoard })).body).toEqual(reachBefore.body);
      expect((await api('GET', `/v1/preferences?token=${signer.sign({ purpose: 'preferences', memberId }, new Date())}`)).status).toBe(404);
    });

    it('audited every step from application to resignation, in order, with its actor and origin, and no contact data', async () => {
      const entries = await auditOf('member', memberId);
      expect(entries.map((e) => [e.action, e.actor?.accountId ?? null])).toEqual([
        ['membership.applied', null],
        ['member.mobile_confirmed', null],
        ['member.email_confirmed', null],
        ['membership.approved', 'board-herdersem'],
        ['preferences.changed', null],
        ['preferences.unsubscribed', null],
        ['membership.resigned', null],
        ['member.erased', null],
      ]);
      for (const e of entries) {
        expect(e.target).toEqual({ type: 'member', id: memberId });
        expect(e).toMatchObject({ clientIp: expect.any(String), userAgent: expect.any(String), correlationId: expect.any(String) });
      }
      const details = Object.fromEntries(entries.map((e) => [e.action, e.details]));
      expect(details['membership.applied']).toEqual({ bins: ['herdersem'], language: 'nl', given: ['email', 'mobile'] });
      expect(details['membership.approved']).toEqual({ bin: 'herdersem' });
      expect(details['preferences.changed']).toEqual({ link: 'preferences', language: 'fr', choices: [{ category: 'prevention', channel: 'sms', enabled: false }] });
      expect(details['preferences.unsubscribed']).toEqual({ category: 'burglary', channel: 'email' });
      expect(details['membership.resigned']).toEqual({ by: 'self', bins: ['herdersem'], boardMember: false });
      expect(entries.find((e) => e.action === 'membership.approved')!.actor.role).toBe('board');

      // Read straight from the table: nothing the applicant typed, however written.
      for (const needle of [applicant.e164, applicant.normalised.toLowerCase(), '470100006', '0470 10 00 06', 'nieuw lid', 'nieuw.lid']) {
        const [row] = await stack.db.query(`SELECT count(*)::int AS n FROM audit_log t WHERE lower(t::text) LIKE '%' || lower($1) || '%'`, [needle]);
        expect({ needle, rows: row.n }).toEqual({ needle, rows: 0 });
      }
      const [redacted] = await stack.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE target_type <> 'alert' AND details::text LIKE '%[redacted]%'`);
      expect(redacted.n).toBe(0);
    });

    it('lets a board member resign only through the police, who record the notification to FOD Binnenlandse Zaken', async () => {
      const boardMemberId = await stack.members.register({
        displayName: 'Bestuurder Herdersem',
        language: 'nl',
        memberships: [{ binId: 'herdersem', role: 'board' }],
        contacts: [
          { kind: 'mobile', value: bestuur.mobile, verified: true },
          { kind: 'email', value: bestuur.email, verified: true },
        ],
      });
      const byBoard = await api('POST', `/v1/bins/herdersem/members/${boardMemberId}/resignation`, { token: herdersemBoard });
      expect(byBoard).toMatchObject({ status: 403, body: { message: 'a board member resigns through the police of the zone, who inform FOD Binnenlandse Zaken' } });
      expect((await api('POST', `/v1/membership/resign?token=${signer.sign({ purpose: 'resign', memberId: boardMemberId }, new Date())}`)).status).toBe(403);
      expect((await api('POST', `/v1/bins/herdersem/members/${boardMemberId}/resignation`, { token: bearer({ role: 'operator', policeZone: 'dendermonde' }) })).status).toBe(403);

      const byPolice = await api('POST', `/v1/bins/herdersem/members/${boardMemberId}/resignation`, { token: asAalstOperator().authorization });
      expect(byPolice).toMatchObject({ status: 200, body: { resigned: ['herdersem'], erased: true, interiorNotifications: 1 } });
      const listed = await api('GET', '/v1/interior-notifications?unsent=true', { token: asAalstOperator().authorization });
      expect(listed.body.notifications).toEqual([
        expect.objectContaining({ binId: 'herdersem', event: 'board_member_resigned', displayName: 'Bestuurder Herdersem', sentAt: null }),
      ]);
      expect((await api('GET', '/v1/interior-notifications', { token: herdersemBoard })).status).toBe(403);
      const id = listed.body.notifications[0].id;
      expect((await api('POST', `/v1/interior-notifications/${id}/sent`, { token: asAalstOperator().authorization })).status).toBe(200);
      expect((await api('GET', '/v1/interior-notifications?unsent=true', { token: asAalstOperator().authorization })).body.notifications).toEqual([]);
      const [sent] = (await api('GET', '/v1/interior-notifications', { token: asAalstOperator().authorization })).body.notifications;
      expect(sent.displayName).toMatch(/^former-member-/);
      expect(await stack.db.query(`SELECT count(*)::int AS n FROM contact_points WHERE member_id = $1`, [boardMemberId])).toEqual([{ n: 0 }]);

      // The police's resignation, the notification it recorded and its sending, and the erasure: each audited once, by the operator.
      expect((await auditOf('member', boardMemberId)).map((e) => [e.action, e.actor?.accountId, e.details])).toEqual([
        ['membership.resigned', 'test-operator', { by: 'police', bins: ['herdersem'], boardMember: true }],
        ['member.erased', 'test-operator', {}],
      ]);
      expect((await auditOf('interior_notification', id)).map((e) => [e.action, e.actor?.accountId, e.details])).toEqual([
        ['interior_notification.recorded', 'test-operator', { memberId: boardMemberId, bin: 'herdersem', event: 'board_member_resigned' }],
        ['interior_notification.sent', 'test-operator', {}],
      ]);
      const [named] = await stack.db.query(
        `SELECT count(*)::int AS n FROM audit_log t WHERE t::text ILIKE '%bestuurder%' OR t::text ILIKE '%470100007%' OR t::text ILIKE '%bestuur.herdersem%'`,
      );
      expect(named.n).toBe(0);
    });
  });

  describe('reports', () => {
    let reachAlert: string;

    it('counts messages per BIN, category, month and channel, membership over time, and an alert’s reach; boards see only their BINs', async () => {
      const messages = await api('GET', '/v1/reports/messages', { token: herdersemBoard });
      expect(messages.status).toBe(200);
      expect(messages.body.bins).toEqual(['herdersem']);
      expect(new Set(messages.body.rows.map((r: any) => r.binId))).toEqual(new Set(['herdersem']));
      const covidEmail = messages.body.rows.filter((r: any) => r.category === 'covid' && r.channel === 'email');
      expect(covidEmail.reduce((n: number, r: any) => n + r.alerts, 0)).toBe(3);
      expect((await api('GET', '/v1/reports/messages?bins=moorsel', { token: herdersemBoard })).status).toBe(403);
      expect((await api('GET', '/v1/reports/messages?from=2026-13-01', { token: herdersemBoard })).body.errors[0].field).toBe('from');

      const year = new Date().getUTCFullYear();
      const membership = await api('GET', `/v1/reports/membership?bins=herdersem&from=${year}-01-01&to=${year + 1}-01-01`, { token: herdersemBoard });
      const thisMonth = membership.body.rows.find((r: any) => r.month === new Date().toISOString().slice(0, 7));
      // Anna, Bart, Cora active; the applicant and the board member joined and left this month.
      expect(thisMonth).toMatchObject({ binId: 'herdersem', active: 3, resigned: 2 });

      const alert = await postAlert({ category: 'prevention', bins: ['herdersem', 'moorsel'], texts: { nl: { title: 'Bereik', body: 'Test van het bereik.' } } });
      await settledAlert(alert, { sms: 4, email: 4 });
      const reach = await api('GET', `/v1/reports/alerts/${alert}/reach`, { token: moorselBoard });
      expect(reach.body.bins).toEqual(['moorsel']);
      const sms = reach.body.channels.find((c: any) => c.channel === 'sms');
      // Moorsel: Bart (prevention switched off on SMS) and Dirk (no mobile).
      expect(sms).toMatchObject({ members: 2, planned: 0, reached: 0, suppressedByReason: { opted_out: 1, no_contact_point: 1 } });
      expect((await api('GET', `/v1/reports/alerts/${alert}/reach`, { token: bearer({ role: 'board', binIds: ['meldert'] }) })).status).toBe(403);
      reachAlert = alert;
    });

    it('gives every report as a CSV attachment with the JSON’s figures, under the same scope', async () => {
      const csv = async (path: string, token: string) => {
        const res = await fetch(`${stack.intakeUrl}${path}`, { headers: { authorization: token } });
        const bytes = Buffer.from(await res.arrayBuffer());
        return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes, text: bytes.toString('utf8') };
      };
      // Plain cells only in these reports (ids, codes, months, counts): splitting on the separator reads them.
      const records = (text: string, separator = ',') =>
        text
          .replace(/^\uFEFF/, '')
          .split('\r\n')
          .slice(0, -1)
          .map((line) => line.split(separator));
      const asJson = (text: string, separator = ',') => {
        const [header, ...rows] = records(text, separator);
        return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, /^\d+$/.test(cells[i]) ? Number(cells[i]) : cells[i] === '' ? null : cells[i]])));
      };
      const year = new Date().getUTCFullYear();
      const period = `from=${year}-01-01&to=${year + 1}-01-01`;

      const messagesJson = await api('GET', `/v1/reports/messages?${period}`, { token: herdersemBoard });
      const messages = await csv(`/v1/reports/messages?${period}&format=csv`, herdersemBoard);
      expect(messages.status).toBe(200);
      expect(messages.type).toBe('text/csv; charset=utf-8');
      expect(messages.disposition).toBe(`attachment; filename="bin-alert-messages-${year}-01-01-${year + 1}-01-01.csv"`);
      expect([...messages.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(records(messages.text)[0]).toEqual(['binId', 'category', 'month', 'channel', 'alerts', 'reached']);
      expect(messagesJson.body.rows.length).toBeGreaterThan(0);
      expect(asJson(messages.text)).toEqual(messagesJson.body.rows);

      const membershipJson = await api('GET', `/v1/reports/membership?bins=herdersem&${period}`, { token: herdersemBoard });
      const membership = await csv(`/v1/reports/membership?bins=herdersem&${period}&format=csv&delimiter=semicolon`, herdersemBoard);
      expect(membership.disposition).toBe(`attachment; filename="bin-alert-membership-${year}-01-01-${year + 1}-01-01.csv"`);
      expect(records(membership.text, ';')[0]).toEqual(['binId', 'month', 'active', 'joined', 'resigned']);
      expect(asJson(membership.text, ';')).toEqual(membershipJson.body.rows);

      const reachJson = await api('GET', `/v1/reports/alerts/${reachAlert}/reach`, { token: moorselBoard });
      const reach = await csv(`/v1/reports/alerts/${reachAlert}/reach?format=csv`, moorselBoard);
      expect(reach.disposition).toBe(`attachment; filename="bin-alert-reach-${reachAlert}.csv"`);
      const figures = asJson(reach.text);
      for (const c of reachJson.body.channels) {
        const of = (measure: string) => figures.filter((f) => f.channel === c.channel && f.measure === measure);
        expect(['members', 'planned', 'reached'].map((m) => of(m).map((f) => f.count))).toEqual([[c.members], [c.planned], [c.reached]]);
        expect(Object.fromEntries(of('suppressed').map((f) => [f.reason, f.count]))).toEqual(c.suppressedByReason);
        expect(Object.fromEntries(of('failed').map((f) => [f.reason, f.count]))).toEqual(c.failedByReason);
      }
      expect(figures.find((f) => f.channel === 'sms' && f.measure === 'suppressed' && f.reason === 'opted_out')).toEqual({
        channel: 'sms',
        measure: 'suppressed',
        reason: 'opted_out',
        count: 1,
      });

      // The same authorization as the JSON: another board's BIN, an alert outside the scope, no token.
      expect((await csv(`/v1/reports/messages?bins=moorsel&format=csv`, herdersemBoard)).status).toBe(403);
      expect((await csv(`/v1/reports/alerts/${reachAlert}/reach?format=csv`, bearer({ role: 'board', binIds: ['meldert'] }))).status).toBe(403);
      expect((await fetch(`${stack.intakeUrl}/v1/reports/membership?format=csv`)).status).toBe(401);
      const wrong = await api('GET', '/v1/reports/messages?format=xlsx&delimiter=semicolon', { token: herdersemBoard });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors.map((e: { field: string }) => e.field)).toContain('format');
      expect((await api('GET', `/v1/reports/alerts/${reachAlert}/reach?delimiter=semicolon`, { token: moorselBoard })).body.errors).toEqual([
        { field: 'delimiter', code: 'invalid', reason: 'only with format=csv' },
      ]);
    });
  });

  describe('abuse of the public form', () => {
    it('answers 429 with Retry-After once an address sent too many applications, and writes nothing for them', async () => {
      let last: Awaited<ReturnType<typeof api>> | undefined;
      for (let i = 0; i < 15; i++) {
        last = await api('POST', '/v1/applications', { body: { name: 'x' } });
        if (last.status === 429) break;
      }
      expect(last!.status).toBe(429);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  it('never wrote a phone number or an e-mail address to the log', () => {
    const text = logged.join('');
    expect(text).toContain('membership applied');
    expect(contactData.filter((value) => text.toLowerCase().includes(value.toLowerCase()))).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
