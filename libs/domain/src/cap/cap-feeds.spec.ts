import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { CapAlert, CapExport, readCapAlert, writeCapAlert } from './cap-alert';
import { resolveXmlReferences } from './xml-references';

/**
 * Round trips of CAP documents shaped like those of national feeds (BE-Alert, MoWaS/NINA, IPAWS,
 * NL-Alert, NAAD), each as an Alert and as the Update and the Cancel that follow it: everything
 * the reader accepts comes back in the export, in CAP 1.2's element order. The samples are our own.
 */
const FEEDS = join(__dirname, 'samples', 'feeds');
const feeds = readdirSync(FEEDS).filter((f) => f.endsWith('.xml'));

const element = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)![1];

/** The Update (or Cancel) a feed sends after `previous`: new identity, references to every earlier message. */
function followUp(original: string, msgType: 'Update' | 'Cancel', earlier: string[], sent: string, suffix: string): string {
  const sender = element(original, 'sender');
  const references = earlier.map((xml) => `${sender},${element(xml, 'identifier')},${element(xml, 'sent')}`).join(' ');
  const anchor = original.includes('<incidents>') ? '<incidents>' : '<info>';
  return original
    .replace(/<identifier>([^<]*)<\/identifier>/, `<identifier>$1-${suffix}</identifier>`)
    .replace(/<sent>[^<]*<\/sent>/, `<sent>${sent}</sent>`)
    .replace('<msgType>Alert</msgType>', `<msgType>${msgType}</msgType>`)
    .replace(anchor, `<references>${references}</references>\n  ${anchor}`);
}

function chainOf(name: string): Array<[string, string]> {
  const alert = readFileSync(join(FEEDS, name), 'utf8');
  const sent = element(alert, 'sent');
  const later = (minutes: number) => sent.replace(/T(\d{2}):(\d{2})/, (_, h: string, m: string) => `T${h}:${String(Number(m) + minutes).padStart(2, '0')}`);
  const update = followUp(alert, 'Update', [alert], later(5), 'U1');
  const cancel = followUp(alert, 'Cancel', [alert, update], later(9), 'C1');
  return [
    [`${name} Alert`, alert],
    [`${name} Update`, update],
    [`${name} Cancel`, cancel],
  ];
}

function read(xml: string): CapAlert {
  const result = readCapAlert(xml);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.alert;
}

/** What intake passes the writer for an imported alert (AlertIssuingService.capExportOf). */
function exportOf(imported: CapAlert): CapExport {
  return {
    ...imported,
    unissued: false,
    references: imported.references,
    categoryCode: imported.categoryCode ?? 'general',
    categoryName: 'ignored when the document is kept',
    redistributionAllowed: imported.redistributionAllowed ?? true,
    bins: imported.binIds.map((id) => ({ id, name: id })),
  };
}

/** The document as a generic XML reader sees it, in order, comments and layout aside; sent as an instant. */
const generic = new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false, trimValues: true });
function tree(xml: string): unknown {
  const resolved = resolveXmlReferences(xml.replace(/\r\n?/g, '\n'));
  if (!resolved.ok) throw new Error(resolved.reason);
  return JSON.parse(JSON.stringify(generic.parse(resolved.xml)), (key, value: unknown) =>
    key === 'sent' && Array.isArray(value) ? [{ '#text': new Date((value as Array<{ '#text': string }>)[0]['#text']).toISOString() }] : value,
  );
}

describe.each(feeds.flatMap(chainOf))('CAP round trip: %s', (_, xml) => {
  it('is read', () => {
    expect(readCapAlert(xml)).toMatchObject({ ok: true });
  });

  it('is exported with every element it had, in CAP 1.2 order', () => {
    expect(tree(writeCapAlert(exportOf(read(xml))))).toEqual(tree(xml));
  });

  it('reads back from its export to the same alert', () => {
    const imported = read(xml);
    expect(read(writeCapAlert(exportOf(imported)))).toEqual(imported);
  });
});

describe('CAP fidelity, element by element', () => {
  const [[, beAlert], , [, beCancel]] = chainOf('be-alert-missing-person.xml');
  const exported = writeCapAlert(exportOf(read(beAlert)));

  it('keeps certainty, event, senderName, source, web and contact instead of writing its own', () => {
    expect(exported).toContain('<certainty>Likely</certainty>');
    expect(exported).not.toContain('<certainty>Observed</certainty>');
    expect(exported).toContain('<event>Vermiste minderjarige</event>');
    expect(exported).toContain('<senderName>Federale Politie - Cel Vermiste Personen</senderName>');
    expect(exported).toContain('<source>Federale Politie / Cel Vermiste Personen</source>');
    expect(exported).toContain('<web>https://vermist.example/emma</web>');
    expect(exported).toContain('<contact>Bel 101 of de Cel Vermiste Personen: 0800 30 300</contact>');
  });

  it('keeps the eventCodes, geocodes and parameters it does not use', () => {
    expect(exported).toMatch(/<valueName>BE-Alert:eventType<\/valueName>\s*<value>MissingPerson<\/value>/);
    expect(exported).toMatch(/<valueName>NIS<\/valueName>\s*<value>41002<\/value>/);
    expect(exported).toMatch(/<valueName>BE-Alert:channels<\/valueName>\s*<value>SMS CB EMAIL<\/value>/);
  });

  it('gives the members the instruction and the contact line, per language, apart from the description', () => {
    expect(read(beAlert).texts.fr).toEqual({
      title: 'Disparue : Emma (7 ans) à Alost',
      body: 'Emma mesure 1m20, a les cheveux blonds et porte un imperméable jaune.',
      instruction: "Approchez l'enfant calmement et restez avec elle.",
      contact: 'Appelez le 101 ou la Cellule Personnes disparues : 0800 30 300',
    });
  });

  it("writes a Cancel's references to every earlier message of the chain", () => {
    const cancel = read(beCancel);
    expect(cancel.references.map((r) => r.identifier)).toEqual(['BE-ALERT-2026-11-29-0007', 'BE-ALERT-2026-11-29-0007-U1']);
    expect(writeCapAlert(exportOf(cancel))).toContain(
      '<references>noodcentrum@crisiscentrum.example,BE-ALERT-2026-11-29-0007,2026-11-29T19:40:00+01:00 noodcentrum@crisiscentrum.example,BE-ALERT-2026-11-29-0007-U1,2026-11-29T19:45:00+01:00</references>',
    );
  });

  it('states what it acted on when the document did not: the redistribution rule applied, the category, the BINs', () => {
    const silent = read(
      beCancel
        .replace(/<parameter><valueName>redistribution<\/valueName><value>allowed<\/value><\/parameter>/g, '')
        .replace(/<geocode><valueName>bin<\/valueName><value>[a-z]+<\/value><\/geocode>/g, '')
        .replace(/<eventCode><valueName>bin-category<\/valueName><value>missing_person<\/value><\/eventCode>/g, ''),
    );
    expect(silent).toMatchObject({ redistributionAllowed: null, binIds: [], categoryCode: null });
    const exported = read(writeCapAlert({ ...exportOf(silent), categoryCode: 'missing_person', redistributionAllowed: false, bins: [{ id: 'herdersem', name: 'BIN Herdersem' }] }));
    expect(exported).toMatchObject({ redistributionAllowed: false, binIds: ['herdersem'], categoryCode: 'missing_person' });
    expect(exported.details.infos[0].areas.map((a) => a.areaDesc)).toEqual(['Aalst (Herdersem, Moorsel)', 'BIN Herdersem']);
  });

  it('refuses a contact line longer than a member can be given', () => {
    const long = beAlert.replace('<contact>Bel 101', `<contact>${'x'.repeat(200)}`);
    expect(readCapAlert(long)).toEqual({ ok: false, problems: [{ field: 'alert.info[0].contact', reason: 'at most 200 characters' }] });
  });
});
