import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { findForbiddenCharacter, tidyFreeText } from '../content/text-rules';
import { CapExport, CapReadResult, readCapAlert, writeCapAlert } from './cap-alert';
import { CAP_MAX_DEPTH, isXmlCharacter, resolveXmlReferences } from './xml-references';

/** Properties of the CAP reader: total on any string, XML's references, its depth limit, and the writer's round trip. */
const sample = readFileSync(join(__dirname, 'samples', 'missing-person-alert.xml'), 'utf8');
const withHeadline = (headline: string) => sample.replace('Vermiste jongen Lucas (8)', headline);

function expectAnswer(result: CapReadResult): void {
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) expect(problem).toEqual({ field: expect.any(String), reason: expect.any(String) });
}

/** The sample with up to three of the changes a hostile or careless sender makes. */
const hostileCap = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }).map((s) => (x: string) => x.replace('Vermiste jongen Lucas (8)', s)),
      fc.nat().map((n) => (x: string) => x.slice(0, n % (x.length + 1))),
      fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 10 })).map(
        ([n, s]) =>
          (x: string) =>
            x.slice(0, n % (x.length + 1)) + s + x.slice(n % (x.length + 1)),
      ),
      fc
        .constantFrom(
          '&',
          '&#',
          '&#x;',
          '&#99999999;',
          '&#xD800;',
          '&#0;',
          '&nbsp;',
          '&amp',
          '<![CDATA[',
          ']]>',
          '<!--',
          '<?',
          '<!DOCTYPE a>',
          '<',
          '>',
          '"',
          "'",
          '\u0000',
          '\ud800',
          '</alert>',
        )
        .map((s) => (x: string) => x.replace('Lucas', `Lucas${s}`)),
      fc.integer({ min: 1, max: 3_000 }).map((d) => (x: string) => x.replace('<info>', `${'<a>'.repeat(d)}${'</a>'.repeat(d)}<info>`)),
    ),
    { maxLength: 3 },
  )
  .map((changes) => changes.reduce((xml, change) => change(xml), sample));

describe('readCapAlert, for any input', () => {
  it('answers a read alert or its problems, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), hostileCap), (text) => expectAnswer(readCapAlert(text))),
      { numRuns: 1_000 },
    );
  });

  it('reads every text it returns free of characters no field accepts', () => {
    fc.assert(
      fc.property(hostileCap, (text) => {
        const result = readCapAlert(text);
        if (!result.ok) return;
        for (const { title, body, instruction, contact } of Object.values(result.alert.texts)) {
          for (const line of [title, body, instruction ?? '', contact ?? '']) expect(findForbiddenCharacter(line)).toBeNull();
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('character references, as XML 1.0 defines them', () => {
  const xmlCharacter = fc
    .integer({ min: 0x20, max: 0x10ffff })
    .filter((c) => isXmlCharacter(c) && !findForbiddenCharacter(String.fromCodePoint(c)) && !/\s/u.test(String.fromCodePoint(c)));

  it('decodes &#N; and &#xH; (either case) to the character they number', () => {
    fc.assert(
      fc.property(xmlCharacter, fc.constantFrom('dec', 'hex', 'HEX'), (codePoint, form) => {
        const reference = form === 'dec' ? `&#${codePoint};` : `&#x${form === 'hex' ? codePoint.toString(16) : codePoint.toString(16).toUpperCase()};`;
        const result = readCapAlert(withHeadline(`a${reference}b`));
        expect(result.ok && result.alert.texts.nl?.title).toBe(tidyFreeText(`a${String.fromCodePoint(codePoint)}b`));
      }),
    );
  });

  it('refuses a reference to a character XML does not allow', () => {
    const forbidden = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 9 && c !== 10 && c !== 13),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.constantFrom(0xfffe, 0xffff, 0x110000, 99_999_999),
    );
    fc.assert(
      fc.property(forbidden, (codePoint) => {
        const result = readCapAlert(withHeadline(`a&#${codePoint};b`));
        expect(result.ok).toBe(false);
        expect(!result.ok && result.problems[0]).toEqual({ field: 'body', reason: expect.stringContaining(`&#${codePoint};`) });
      }),
    );
  });

  it('refuses any entity XML does not predefine', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,20}$/).filter((n) => !['lt', 'gt', 'amp', 'apos', 'quot'].includes(n)),
        (name) => {
          const result = readCapAlert(withHeadline(`a&${name};b`));
          expect(!result.ok && result.problems[0].reason).toContain(`undeclared entity &${name};`);
        },
      ),
    );
  });
});

describe('resolveXmlReferences', () => {
  it(`accepts elements nested up to ${CAP_MAX_DEPTH} deep and refuses deeper, in one pass whatever the depth`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 2 * CAP_MAX_DEPTH }), fc.integer({ min: 1, max: 100_000 })), fc.boolean(), (depth, selfClosing) => {
        // An empty element opens nothing that must be closed: it does not count.
        const inner = selfClosing ? '<leaf/>' : 'x';
        const xml = `${'<e a=">">'.repeat(depth)}${inner}${'</e>'.repeat(depth)}`;
        expect(resolveXmlReferences(xml).ok).toBe(depth <= CAP_MAX_DEPTH);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves a document without character references as it was', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('&')),
        (s) => {
          const result = resolveXmlReferences(`<a>${s}</a>`);
          if (result.ok) expect(result.xml).toBe(`<a>${s}</a>`);
        },
      ),
    );
  });
});

describe('writeCapAlert then readCapAlert', () => {
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).filter((s) => tidyFreeText(s) !== '' && !findForbiddenCharacter(s));
  it('gives back the texts it wrote (instruction and contact included), tidied, whatever markup they hold', () => {
    fc.assert(
      fc.property(text, text, text, text, fc.constantFrom('<', '&', ']]>', '&amp;', '&#233;', '"', "'"), (title, body, instruction, contact, markup) => {
        const alert: CapExport = {
          sender: 'politie@example.be',
          identifier: 'PROP-1',
          sent: new Date('2026-11-29T13:05:00Z'),
          unissued: false,
          kind: 'actual',
          messageType: 'alert',
          references: [],
          categoryCode: 'burglary',
          categoryName: 'Inbraak',
          urgency: 'normal',
          redistributionAllowed: true,
          bins: [{ id: 'herdersem', name: 'BIN Herdersem' }],
          texts: { nl: { title: `${title}${markup}`, body: `${markup}${body}`, instruction: `${instruction}${markup}`, contact: `${markup}${contact}` } },
          expiresAt: null,
        };
        const result = readCapAlert(writeCapAlert(alert));
        expect(result.ok && result.alert.texts.nl).toEqual({
          title: tidyFreeText(`${title}${markup}`),
          body: tidyFreeText(`${markup}${body}`, { multiline: true }),
          instruction: tidyFreeText(`${instruction}${markup}`, { multiline: true }),
          contact: tidyFreeText(`${markup}${contact}`),
        });
      }),
      { numRuns: 300 },
    );
  });
});
