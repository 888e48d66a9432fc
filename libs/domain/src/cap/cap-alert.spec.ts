import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapExport, readCapAlert, writeCapAlert } from './cap-alert';
import { urgencyFromCap } from './cap-mapping';

const sample = (name: string) => readFileSync(join(__dirname, 'samples', name), 'utf8');
const read = (xml: string) => {
  const result = readCapAlert(xml);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.alert;
};
const problemsOf = (xml: string) => {
  const result = readCapAlert(xml);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
};
const alertXml = sample('missing-person-alert.xml');
/** The sample with one piece of text replaced: each invalid case differs from a valid alert in one place. */
const withChange = (from: string | RegExp, to: string) => {
  const changed = alertXml.replace(from, to);
  if (changed === alertXml) throw new Error(`sample has no ${from}`);
  return changed;
};

describe('readCapAlert: real alerts', () => {
  it('reads a two-language missing-person alert', () => {
    expect(read(alertXml)).toEqual({
      sender: 'meldkamer@politie-aalst.example',
      identifier: 'PZ-AALST-2026-0042',
      sent: new Date('2026-11-29T13:05:00Z'),
      asDraft: false,
      kind: 'actual',
      messageType: 'alert',
      references: [],
      categoryCode: 'missing_person',
      urgency: 'urgent',
      redistributionAllowed: true,
      binIds: ['herdersem', 'moorsel'],
      texts: {
        nl: { title: 'Vermiste jongen Lucas (8)', body: 'Lucas draagt een rode jas & een blauwe rugzak.', instruction: 'Gezien? Bel 101.' },
        fr: { title: 'Garçon disparu Lucas (8 ans)', body: 'Lucas porte une veste rouge et un sac à dos bleu.', instruction: 'Vu? Appelez le 101.' },
      },
      expiresAt: new Date('2026-11-30T13:05:00Z'),
      details: expect.objectContaining({ scope: 'Public', references: [] }),
    });
  });

  it('reads a prefixed Cancel with two references, in Dutch and German, without area or eventCode', () => {
    const cancel = read(sample('missing-person-cancel.xml'));
    expect(cancel).toMatchObject({ messageType: 'cancel', kind: 'actual', categoryCode: null, binIds: [], urgency: 'urgent', redistributionAllowed: null });
    expect(cancel.references).toEqual([
      { sender: 'meldkamer@politie-aalst.example', identifier: 'PZ-AALST-2026-0042', sent: '2026-11-29T14:05:00+01:00' },
      { sender: 'meldkamer@politie-aalst.example', identifier: 'PZ-AALST-2026-0043', sent: '2026-11-29T15:00:00+01:00' },
    ]);
    expect(Object.keys(cancel.texts)).toEqual(['nl', 'de']);
    expect(cancel.texts.de?.title).toBe('Lucas ist wieder da');
  });

  it('reads an Exercise Update whose info names no language as English (CAP default en-US)', () => {
    const update = read(sample('burglary-exercise-update.xml'));
    expect(update).toMatchObject({ kind: 'exercise', messageType: 'update', urgency: 'normal', texts: { en: { title: 'More burglaries in Mijlbeek' } } });
    expect(update.sent).toEqual(new Date('2026-11-29T10:00:00Z'));
  });

  it('reads Draft as a draft of an actual alert, and Test as a test', () => {
    expect(read(withChange('<status>Actual</status>', '<status>Draft</status>'))).toMatchObject({ asDraft: true, kind: 'actual' });
    expect(read(withChange('<status>Actual</status>', '<status>Test</status>'))).toMatchObject({ asDraft: false, kind: 'test' });
  });

  it('reads any region of a supported language', () => {
    expect(Object.keys(read(withChange('<language>fr-BE</language>', '<language>en-US</language>')).texts)).toEqual(['nl', 'en']);
  });

  it('reads forbidden redistribution and takes the earliest expiry', () => {
    const xml = withChange(/<value>allowed<\/value>/g, '<value>forbidden</value>').replace(
      '<expires>2026-11-30T14:05:00+01:00</expires>',
      '<expires>2026-11-29T20:00:00+01:00</expires>',
    );
    expect(read(xml)).toMatchObject({ redistributionAllowed: false, expiresAt: new Date('2026-11-29T19:00:00Z') });
  });
});

describe('readCapAlert: invalid CAP names the element', () => {
  it.each([
    ['a bad urgency', withChange('<urgency>Immediate</urgency>', '<urgency>Now</urgency>'), 'alert.info[0].urgency', "'Now' is not one of Immediate"],
    ['a missing severity in the second info', alertXml.replace(/<severity>Severe<\/severity>(?![\s\S]*<severity>)/, ''), 'alert.info[1].severity', 'required'],
    ['no identifier', withChange(/<identifier>.*<\/identifier>/, ''), 'alert.identifier', 'required'],
    ['a space in the sender', withChange('<sender>meldkamer@', '<sender>meld kamer@'), 'alert.sender', 'must not contain spaces'],
    ['a Z time zone', withChange('<sent>2026-11-29T14:05:00+01:00</sent>', '<sent>2026-11-29T13:05:00Z</sent>'), 'alert.sent', 'not a CAP dateTime'],
    ['status System', withChange('<status>Actual</status>', '<status>System</status>'), 'alert.status', 'not sent to residents'],
    ['an unknown status', withChange('<status>Actual</status>', '<status>Real</status>'), 'alert.status', "'Real' is not one of"],
    ['msgType Ack', withChange('<msgType>Alert</msgType>', '<msgType>Ack</msgType>'), 'alert.msgType', 'only Alert, Update and Cancel'],
    ['an Update without references', withChange('<msgType>Alert</msgType>', '<msgType>Update</msgType>'), 'alert.references', 'required'],
    [
      'a malformed reference',
      withChange('<msgType>Alert</msgType>', '<msgType>Cancel</msgType><references>meldkamer,PZ-1</references>'),
      'alert.references',
      'is not sender,identifier,sent',
    ],
    ['an unsupported language', withChange('<language>fr-BE</language>', '<language>es-ES</language>'), 'alert.info[1].language', "'es-ES' is not supported"],
    ['two infos in one language', withChange('<language>fr-BE</language>', '<language>nl-NL</language>'), 'alert.info[1].language', "a second info block in 'nl'"],
    ['a bad CAP category', withChange('<category>Rescue</category>', '<category>Police</category>'), 'alert.info[0].category[0]', "'Police' is not one of"],
    ['no BIN category', withChange(/<eventCode>.*?<\/eventCode>/, ''), 'alert.info[0].eventCode', "valueName 'bin-category'"],
    ['two BIN categories', withChange(/<value>missing_person<\/value>(?![\s\S]*missing_person)/, '<value>burglary</value>'), 'alert.info[1].eventCode', 'the same bin-category'],
    ['no BIN in the first info', withChange(/<area>[\s\S]*?<\/area>\s*<area>[\s\S]*?<\/area>/, ''), 'alert.info[0].area', "geocode valueName 'bin'"],
    ['an expiry before sent', withChange('<expires>2026-11-30T14:05:00+01:00</expires>', '<expires>2026-11-28T14:05:00+01:00</expires>'), 'alert.info[0].expires', 'after sent'],
    ['a bad redistribution', withChange('<value>allowed</value>', '<value>maybe</value>'), 'alert.info[0].parameter', "not 'maybe'"],
    ['no headline', withChange('<headline>Vermiste jongen Lucas (8)</headline>', ''), 'alert.info[0].headline', 'required'],
    ['a description too long', withChange('Lucas draagt', 'x'.repeat(1600)), 'alert.info[0].description', 'at most 1600'],
    ['no info at all', withChange(/<info>[\s\S]*<\/info>/, ''), 'alert.info', 'at least one info block'],
    ['the wrong namespace', withChange('urn:oasis:names:tc:emergency:cap:1.2', 'urn:oasis:names:tc:emergency:cap:1.1'), 'alert', 'not a CAP 1.2 alert'],
    ['malformed XML', withChange('</headline>', '</headlin>'), 'body', 'malformed XML'],
    ['a DOCTYPE', withChange('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x "y">]>'), 'alert', 'DOCTYPE'],
  ])('%s', (_, xml, field, reason) => {
    expect(problemsOf(xml)).toContainEqual({ field, reason: expect.stringContaining(reason) });
  });

  it('names every wrong element at once', () => {
    const xml = withChange('<urgency>Immediate</urgency>', '<urgency>Now</urgency>').replace('<status>Actual</status>', '<status>Real</status>');
    expect(problemsOf(xml).map((p) => p.field)).toEqual(['alert.status', 'alert.info[0].urgency']);
  });
});

describe('urgencyFromCap', () => {
  it.each([
    ['Immediate', 'Minor', 'Observed', 'urgent'],
    ['Immediate', 'Severe', 'Unlikely', 'normal'],
    ['Expected', 'Extreme', 'Likely', 'urgent'],
    ['Expected', 'Severe', 'Possible', 'normal'],
    ['Expected', 'Moderate', 'Observed', 'normal'],
    ['Future', 'Extreme', 'Observed', 'normal'],
    ['Past', 'Severe', 'Observed', 'normal'],
    ['Unknown', 'Unknown', 'Unknown', 'normal'],
  ] as const)('%s / %s / %s → %s', (u, s, c, expected) => {
    expect(urgencyFromCap(u, s, c)).toBe(expected);
  });
});

describe('writeCapAlert', () => {
  const alert: CapExport = {
    sender: 'bin-alert@politie-aalst.example',
    identifier: '5f1c1d7e-6a2b-4c55-9d0e-2b7f4a8c9e10',
    sent: new Date('2026-11-29T16:30:00Z'),
    unissued: false,
    kind: 'test',
    messageType: 'cancel',
    references: [{ sender: 'meldkamer@politie-aalst.example', identifier: 'PZ-AALST-2026-0042', sent: new Date('2026-11-29T13:05:00Z') }],
    categoryCode: 'missing_person',
    categoryName: 'Vermissing / Disparition',
    urgency: 'urgent',
    redistributionAllowed: false,
    bins: [{ id: 'herdersem', name: 'BIN Herdersem' }],
    texts: { nl: { title: 'Lucas <terecht> & wel', body: 'Gevonden.' }, de: { title: 'Gefunden', body: 'Danke.' } },
    expiresAt: new Date('2026-11-30T16:30:00Z'),
  };

  it('writes CAP 1.2 with escaped text, references and one info per language', () => {
    const xml = writeCapAlert(alert);
    expect(xml).toContain('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">');
    expect(xml).toContain('<status>Test</status>');
    expect(xml).toContain('<msgType>Cancel</msgType>');
    expect(xml).toContain('<references>meldkamer@politie-aalst.example,PZ-AALST-2026-0042,2026-11-29T13:05:00+00:00</references>');
    expect(xml).toContain('<headline>Lucas &lt;terecht&gt; &amp; wel</headline>');
    expect(xml).toContain('<language>de-DE</language>');
    expect(xml).toContain('<category>Rescue</category>');
  });

  it('reads back to the same alert', () => {
    expect(read(writeCapAlert(alert))).toEqual({
      sender: alert.sender,
      identifier: alert.identifier,
      sent: alert.sent,
      asDraft: false,
      kind: 'test',
      messageType: 'cancel',
      references: [{ sender: 'meldkamer@politie-aalst.example', identifier: 'PZ-AALST-2026-0042', sent: '2026-11-29T13:05:00+00:00' }],
      categoryCode: 'missing_person',
      urgency: 'urgent',
      redistributionAllowed: false,
      binIds: ['herdersem'],
      texts: alert.texts,
      expiresAt: alert.expiresAt,
      details: expect.any(Object),
    });
  });

  it('round-trips the imported sample', () => {
    const imported = read(alertXml);
    const exported = writeCapAlert({
      ...imported,
      unissued: false,
      references: [],
      categoryCode: imported.categoryCode!,
      categoryName: 'Vermissing',
      redistributionAllowed: imported.redistributionAllowed!,
      bins: imported.binIds.map((id) => ({ id, name: id })),
    });
    expect(read(exported)).toEqual(imported);
  });

  it('writes a normal alert that reads back normal, and an unissued actual alert as Draft', () => {
    const normal = read(writeCapAlert({ ...alert, urgency: 'normal', kind: 'actual', messageType: 'alert', references: [], unissued: true }));
    expect(normal).toMatchObject({ urgency: 'normal', asDraft: true, kind: 'actual' });
  });
});
