import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { readCapAlert } from '@bin-alert/domain';
import { openDataSource } from '@bin-alert/persistence';
import { testConfig } from '../../../../bench/src/support/test-config';
import { bearer } from '../../../../test/support/access-tokens';
import { startIntake } from '../start-intake';

/**
 * The alert lifecycle over HTTP against the real PostgreSQL, with a zone that wants a second
 * person for every urgent alert: drafts, four eyes, follow-ups, expiry, CAP import and export.
 */
describe('alert lifecycle over HTTP', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;

  const operator = bearer({ accountId: 'op-anja' });
  const supervisor = bearer({ accountId: 'sup-bart', role: 'supervisor' });
  const otherSupervisor = bearer({ accountId: 'sup-carla', role: 'supervisor' });
  const herdersemBoard = bearer({ accountId: 'board-dirk', role: 'board', policeZone: undefined, binIds: ['herdersem'] });

  beforeAll(async () => {
    const config = testConfig({ APPROVAL_REQUIRED_FOR: 'urgent' });
    app = await startIntake(config, 0);
    url = await app.getUrl();
    db = await openDataSource(config.DATABASE_URL, 2);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const call = async (method: string, path: string, authorization: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      text,
      json: (() => {
        try {
          return JSON.parse(text);
        } catch {
          return undefined;
        }
      })() as any,
    };
  };
  const announcements = async (alertId: string): Promise<any[]> =>
    (await db.query(`SELECT payload FROM outbox WHERE message_key = $1`, [alertId])).map((r: { payload: unknown }) => r.payload);
  const rowCounts = async () =>
    (await db.query(`SELECT (SELECT count(*) FROM alerts)::int AS alerts, (SELECT count(*) FROM alert_bins)::int AS bins, (SELECT count(*) FROM outbox)::int AS outbox`))[0];

  const missingPerson = {
    category: 'missing_person',
    bins: ['herdersem', 'moorsel'],
    texts: { nl: { title: 'Vermiste jongen Lucas (8)', body: 'Lucas draagt een rode jas.' }, fr: { title: 'Garçon disparu', body: 'Veste rouge.' } },
  };
  const burglary = { category: 'burglary', bins: ['herdersem'], texts: { nl: { title: 'Inbraken', body: 'Sluit ramen en deuren.' } } };

  describe('four eyes where the zone requires them (urgent alerts here)', () => {
    it('holds an urgent alert for approval, refuses its author, and issues it once another supervisor approves', async () => {
      const created = await call('POST', '/v1/alerts', supervisor, missingPerson);
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ status: 'awaiting_approval', issuedAt: null });
      const id = created.json.id;
      expect(await announcements(id)).toEqual([]);

      const byAuthor = await call('POST', `/v1/alerts/${id}/approve`, supervisor);
      expect(byAuthor.status).toBe(403);
      expect(byAuthor.json.message).toBe('the author of an alert may not approve it: a second person must');
      expect((await call('POST', `/v1/alerts/${id}/approve`, operator)).status).toBe(403);
      expect(await announcements(id)).toEqual([]);
      expect((await call('GET', `/v1/alerts/${id}`, operator)).json.status).toBe('awaiting_approval');

      const approved = await call('POST', `/v1/alerts/${id}/approve`, otherSupervisor);
      expect(approved.status).toBe(200);
      expect(approved.json.status).toBe('issued');
      const [event] = await announcements(id);
      expect(event).toMatchObject({ type: 'alert.issued', alertId: id, urgency: 'urgent', kind: 'actual', messageType: 'alert', fallbackLanguage: 'nl' });
      expect((await call('GET', `/v1/alerts/${id}`, operator)).json).toMatchObject({ status: 'issued', createdBy: 'sup-bart', approvedBy: 'sup-carla' });

      const again = await call('POST', `/v1/alerts/${id}/approve`, otherSupervisor);
      expect(again.status).toBe(409);
      expect(await announcements(id)).toHaveLength(1);
    });

    it('lets a supervisor reject an alert awaiting approval: it is never sent and cannot be approved after', async () => {
      const { id } = (await call('POST', '/v1/alerts', operator, missingPerson)).json;
      expect((await call('POST', `/v1/alerts/${id}/reject`, supervisor, {})).json.errors).toEqual([{ field: 'reason', code: 'required', reason: 'Required' }]);
      const rejected = await call('POST', `/v1/alerts/${id}/reject`, supervisor, { reason: 'Foto ontbreekt; eerst de familie bellen.' });
      expect(rejected.status).toBe(200);
      expect(rejected.json.status).toBe('rejected');
      expect((await call('GET', `/v1/alerts/${id}`, operator)).json).toMatchObject({
        status: 'rejected',
        rejectedBy: 'sup-bart',
        rejectionReason: 'Foto ontbreekt; eerst de familie bellen.',
      });
      expect((await call('POST', `/v1/alerts/${id}/approve`, otherSupervisor)).status).toBe(409);
      expect((await call('POST', `/v1/alerts/${id}/cancel`, operator, { texts: { nl: { title: 'x', body: 'y' } } })).status).toBe(409);
      expect(await announcements(id)).toEqual([]);
    });

    it('issues a normal alert at once', async () => {
      const created = await call('POST', '/v1/alerts', operator, burglary);
      expect(created.json.status).toBe('issued');
      expect(await announcements(created.json.id)).toHaveLength(1);
    });
  });

  describe('board proposals', () => {
    it('lets a board member propose a non-urgent draft for its own BIN, which the police then issue', async () => {
      const draft = await call('POST', '/v1/alerts/drafts', herdersemBoard, burglary);
      expect(draft.status).toBe(201);
      expect(draft.json.status).toBe('draft');
      expect(await announcements(draft.json.id)).toEqual([]);
      expect((await call('POST', `/v1/alerts/${draft.json.id}/issue`, herdersemBoard)).status).toBe(403);
      const issued = await call('POST', `/v1/alerts/${draft.json.id}/issue`, operator);
      expect(issued.json.status).toBe('issued');
      expect(await announcements(draft.json.id)).toHaveLength(1);
      expect((await call('POST', `/v1/alerts/${draft.json.id}/issue`, operator)).status).toBe(409);
    });

    it.each([
      ['an urgent proposal', { ...burglary, urgency: 'urgent' }, 403, 'non-urgent alerts only'],
      ['a proposal for another BIN', { ...burglary, bins: ['moorsel'] }, 403, 'not in your police zone: moorsel'],
    ])('refuses %s and writes nothing', async (_, body, status, message) => {
      const before = await rowCounts();
      const res = await call('POST', '/v1/alerts/drafts', herdersemBoard, body);
      expect(res.status).toBe(status);
      expect(res.json.message).toContain(message);
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('updates and cancels', () => {
    it('cancels at once even where urgent alerts wait for approval, once only, and shows the original as cancelled', async () => {
      const original = (await call('POST', '/v1/alerts', operator, { ...missingPerson, kind: 'test' })).json.id;
      expect((await call('POST', `/v1/alerts/${original}/cancel`, operator, { texts: { nl: { title: 'Lucas terecht', body: 'Gevonden.' } } })).status).toBe(409);
      await call('POST', `/v1/alerts/${original}/approve`, supervisor);

      const update = await call('POST', `/v1/alerts/${original}/update`, operator, { texts: { nl: { title: 'Lucas gezien', body: 'Aan het station.' } } });
      expect(update.json.status).toBe('awaiting_approval');
      await call('POST', `/v1/alerts/${update.json.id}/approve`, supervisor);

      const cancel = await call('POST', `/v1/alerts/${update.json.id}/cancel`, operator, { texts: { nl: { title: 'Lucas terecht', body: 'Gevonden.' } } });
      expect(cancel.status).toBe(201);
      expect(cancel.json.status).toBe('issued');
      const [event] = await announcements(cancel.json.id);
      // The cancel of the update reaches the recipients of the first alert; it inherits test, category and BINs.
      expect(event).toMatchObject({
        messageType: 'cancel',
        kind: 'test',
        referencesAlertId: update.json.id,
        audienceAlertId: original,
        category: 'missing_person',
        binIds: ['herdersem', 'moorsel'],
        urgency: 'urgent',
      });
      expect((await call('GET', `/v1/alerts/${original}`, operator)).json.status).toBe('cancelled');
      expect((await call('GET', `/v1/alerts/${cancel.json.id}`, operator)).json).toMatchObject({ status: 'issued', messageType: 'cancel', references: update.json.id });
      // CAP 1.2: a Cancel references every earlier message of the alert, the original first, not only the update.
      const capCancel = readCapAlert((await call('GET', `/v1/alerts/${cancel.json.id}/cap`, operator)).text);
      expect(capCancel.ok && capCancel.alert.references.map((r) => r.identifier)).toEqual([original, update.json.id]);
      const twice = await call('POST', `/v1/alerts/${original}/cancel`, operator, { texts: { nl: { title: 'x', body: 'y' } } });
      expect(twice.status).toBe(409);
      expect(twice.json.message).toContain('cancelled already');
    });

    it('answers 404 for a follow-up of an unknown alert', async () => {
      expect((await call('POST', '/v1/alerts/1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b/cancel', operator, { texts: { nl: { title: 'x', body: 'y' } } })).status).toBe(404);
    });
  });

  describe('expiry', () => {
    it('refuses an expiry in the past', async () => {
      const res = await call('POST', '/v1/alerts', operator, { ...burglary, expiresAt: '2020-01-01T00:00:00+01:00' });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ field: 'expiresAt', code: 'in_the_past', reason: 'must be in the future' }]);
    });

    it('does not approve an alert that expired while it waited, and shows it expired', async () => {
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const { id } = (await call('POST', '/v1/alerts', operator, { ...missingPerson, expiresAt })).json;
      await new Promise((r) => setTimeout(r, 1600));
      const res = await call('POST', `/v1/alerts/${id}/approve`, supervisor);
      expect(res.status).toBe(409);
      expect(res.json.message).toBe('the alert expired before it was approved');
      expect((await call('GET', `/v1/alerts/${id}`, operator)).json.status).toBe('expired');
      expect(await announcements(id)).toEqual([]);
    });
  });

  describe('preview', () => {
    it('shows each channel and language of a request, with SMS segments and encoding, writing nothing', async () => {
      const before = await rowCounts();
      const res = await call('POST', '/v1/alerts/preview', herdersemBoard, { ...burglary, kind: 'test' });
      expect(res.status).toBe(200);
      expect(res.json.smsSegmentBudget).toBe(3);
      expect(res.json.languages.nl.sms).toMatchObject({ language: 'nl', encoding: 'GSM-7', segments: 1, truncated: false });
      expect(res.json.languages.nl.sms.body).toBe('TEST: Inbraken\nSluit ramen en deuren.\nDit bericht mag gedeeld worden.\nDit is een test, geen echte melding.');
      expect(res.json.languages.fr.email.subject).toBe('[TEST] Inbraken');
      expect(res.json.languages.en.voice.script).toContain('TEST. Dit is een test');
      expect(await rowCounts()).toEqual(before);
    });

    it('shows a stored alert', async () => {
      const { id } = (await call('POST', '/v1/alerts', operator, burglary)).json;
      const res = await call('GET', `/v1/alerts/${id}/preview`, operator);
      expect(res.json.languages.de.sms.body).toBe('Inbraken\nSluit ramen en deuren.\nDit bericht mag gedeeld worden.');
    });

    it('takes an instruction and a contact line per language, stores and announces them, and previews them as members get them', async () => {
      const lines = { instruction: 'Laat niemand binnen die u niet kent.', contact: 'Wijkagent 053 72 43 00' };
      const res = await call('POST', '/v1/alerts', operator, { ...burglary, texts: { nl: { ...burglary.texts.nl, ...lines } } });
      expect(res.status).toBe(201);
      expect((await call('GET', `/v1/alerts/${res.json.id}`, operator)).json.texts.nl).toEqual({ ...burglary.texts.nl, ...lines });
      const [event] = await announcements(res.json.id);
      expect(event.texts.nl).toEqual({ ...burglary.texts.nl, ...lines });
      const preview = await call('GET', `/v1/alerts/${res.json.id}/preview`, operator);
      expect(preview.json.languages.nl.sms.body).toBe(
        'Inbraken\nSluit ramen en deuren.\nLaat niemand binnen die u niet kent.\nContact: Wijkagent 053 72 43 00\nDit bericht mag gedeeld worden.',
      );
      const capExport = (await call('GET', `/v1/alerts/${res.json.id}/cap`, operator)).text;
      expect(capExport).toContain('<instruction>Laat niemand binnen die u niet kent.</instruction>');
      expect(capExport).toContain('<contact>Wijkagent 053 72 43 00</contact>');
    });

    it('refuses a contact line too long for an SMS to carry, naming the field', async () => {
      const res = await call('POST', '/v1/alerts/preview', operator, { ...burglary, texts: { nl: { ...burglary.texts.nl, contact: 'x'.repeat(201) } } });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ field: 'texts.nl.contact', code: 'too_big', reason: 'at most 200 characters' }]);
    });

    it('names the field of a bad preview request', async () => {
      const res = await call('POST', '/v1/alerts/preview', operator, { ...burglary, category: 'ufo' });
      expect(res.status).toBe(400);
      expect(res.json.errors[0]).toMatchObject({ field: 'category' });
    });
  });

  describe('CAP 1.2', () => {
    const sample = readFileSync(join(__dirname, '../../../../libs/domain/src/cap/samples/missing-person-alert.xml'), 'utf8');
    /** The sample with a fresh identifier and an expiry still ahead. */
    const capAlert = (identifier: string, change: (xml: string) => string = (x) => x) =>
      change(
        sample
          .replace('PZ-AALST-2026-0042', identifier)
          .replace(/<expires>[^<]*<\/expires>/g, `<expires>${new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00')}</expires>`),
      );
    const postCap = (xml: string, authorization = operator) => call('POST', '/v1/alerts', authorization, xml, 'application/cap+xml');
    /** A CAP follow-up written from the export of alert `id`, referencing it. */
    const followUpOf = (exported: string, id: string, identifier: string, msgType: 'Update' | 'Cancel') =>
      exported
        .replace(`<identifier>${id}</identifier>`, `<identifier>${identifier}</identifier>`)
        .replace('<msgType>Alert</msgType>', `<msgType>${msgType}</msgType>`)
        .replace(
          '<scope>Public</scope>',
          `<scope>Public</scope><references>${exported.match(/<sender>(.*)<\/sender>/)![1]},${id},${exported.match(/<sent>(.*)<\/sent>/)![1]}</references>`,
        );

    it.each([
      ['a bad urgency', (x: string) => x.replace('<urgency>Immediate</urgency>', '<urgency>Soon</urgency>'), 'alert.info[0].urgency'],
      ['a missing headline in the second info', (x: string) => x.replace('<headline>Garçon disparu Lucas (8 ans)</headline>', ''), 'alert.info[1].headline'],
      ['an unknown BIN category', (x: string) => x.replace(/missing_person/g, 'ufo'), 'alert.info.eventCode'],
      ['an unknown BIN', (x: string) => x.replace(/<value>moorsel<\/value>/g, '<value>atlantis</value>'), 'alert.info.area.geocode[1]'],
      ['malformed XML', (x: string) => x.replace('</sender>', '</sendr>'), 'body'],
      [
        'an Update referring to nothing known',
        (x: string) => x.replace('<msgType>Alert</msgType>', '<msgType>Update</msgType><references>someone,nothing,2026-11-29T10:00:00+01:00</references>'),
        'alert.references',
      ],
    ])('refuses %s with 400 naming the element, and writes nothing', async (_, change, field) => {
      const before = await rowCounts();
      const res = await postCap(capAlert(`INVALID-${field}`, change));
      expect(res.status).toBe(400);
      expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await rowCounts()).toEqual(before);
    });

    it('imports a CAP alert (held for approval: it is urgent), refuses the same identifier twice, and exports it back', async () => {
      const xml = capAlert('PZ-AALST-INT-1');
      const created = await postCap(xml);
      expect(created.status).toBe(201);
      expect(created.json.status).toBe('awaiting_approval');
      const alert = (await call('GET', `/v1/alerts/${created.json.id}`, operator)).json;
      expect(alert).toMatchObject({ category: 'missing_person', urgency: 'urgent', kind: 'actual', redistributionAllowed: true, bins: ['herdersem', 'moorsel'] });
      expect(alert.texts.nl).toEqual({ title: 'Vermiste jongen Lucas (8)', body: 'Lucas draagt een rode jas & een blauwe rugzak.', instruction: 'Gezien? Bel 101.' });

      const duplicate = await postCap(xml);
      expect(duplicate.status).toBe(409);
      expect(duplicate.json.message).toContain('alert.identifier');

      const exported = await call('GET', `/v1/alerts/${created.json.id}/cap`, operator);
      expect(exported.status).toBe(200);
      expect(exported.contentType).toContain('application/cap+xml');
      const original = readCapAlert(xml);
      const readBack = readCapAlert(exported.text);
      if (!original.ok || !readBack.ok) throw new Error('unreadable');
      // Not issued yet: the export says Draft; everything else reads back the same.
      expect(readBack.alert).toEqual({ ...original.alert, asDraft: true });
    });

    it('follows up a JSON alert from CAP by the identity its export gives it', async () => {
      const { id } = (await call('POST', '/v1/alerts', operator, burglary)).json;
      const exported = (await call('GET', `/v1/alerts/${id}/cap`, operator)).text;
      const update = followUpOf(exported, id, 'PZ-AALST-INT-UPD', 'Update').replace('<headline>Inbraken</headline>', '<headline>Meer inbraken</headline>');
      const res = await postCap(update);
      expect(res.status).toBe(201);
      expect((await call('GET', `/v1/alerts/${res.json.id}`, operator)).json).toMatchObject({ messageType: 'update', references: id, texts: { nl: { title: 'Meer inbraken' } } });
    });

    it('lets one of several simultaneous imports of the same CAP alert through, and answers 409 to the others', async () => {
      const xml = capAlert('PZ-AALST-RACE');
      const answers = await Promise.all([postCap(xml), postCap(xml), postCap(xml)]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
      expect(answers.filter((a) => a.status === 409).every((a) => a.json.message.includes('alert.identifier'))).toBe(true);
    });

    it('refuses a CAP Test cancel of an actual alert: test and actual never mix', async () => {
      const { id } = (await call('POST', '/v1/alerts', operator, burglary)).json;
      const exported = (await call('GET', `/v1/alerts/${id}/cap`, operator)).text;
      const testCancel = followUpOf(exported, id, 'PZ-AALST-INT-TESTCANCEL', 'Cancel').replace('<status>Actual</status>', '<status>Test</status>');
      const before = await rowCounts();
      const res = await postCap(testCancel);
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ field: 'alert.status', code: 'invalid', reason: 'the alert referred to is actual; a follow-up of it must be actual too' }]);
      expect(await rowCounts()).toEqual(before);
    });

    it('refuses CAP from a board member', async () => {
      expect((await postCap(capAlert('PZ-BOARD'), herdersemBoard)).status).toBe(403);
    });
  });
});
