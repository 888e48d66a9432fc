/**
 * What fast-xml-parser leaves to its caller, for a document without a DOCTYPE (CAP has none):
 * which characters XML allows, how deep elements nest, and what a reference means. XML 1.0
 * predefines five entities (&lt; &gt; &amp; &apos; &quot;) and any other name is undeclared, so
 * the document is not well-formed; a character reference (&#233; &#xE9;) is the character it
 * numbers, and must number one XML allows. The parser decodes only the five and a few spellings of
 * their numbers, so references are resolved here, before it reads the document.
 */

/** An element inside this many others is refused: CAP nests five deep, an XML signature a few more. */
export const CAP_MAX_DEPTH = 16;

export type XmlPreparation = { ok: true; xml: string } | { ok: false; reason: string };

const PREDEFINED = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);
/** Characters that would be markup again once written out: kept as the predefined entity. */
const MARKUP: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };
const REFERENCE = /&(?:#([0-9]{1,8})|#x([0-9A-Fa-f]{1,7})|([A-Za-z_:][A-Za-z0-9_:.-]{0,63}));/y;

/** XML 1.0's Char production. */
export function isXmlCharacter(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/**
 * The document with every character reference replaced by its character (or by the predefined
 * entity, where the character is markup), or why it is not well-formed XML: a character XML does
 * not allow, an undeclared entity, a reference to a character XML does not allow, or elements
 * nested deeper than `maxDepth`. One pass, no recursion, never throws.
 */
export function resolveXmlReferences(xml: string, maxDepth = CAP_MAX_DEPTH): XmlPreparation {
  const badCharacter = firstNonXmlCharacter(xml);
  if (badCharacter !== null) return refuse(xml, badCharacter, `character U+${hex(codePointAt(xml, badCharacter))} is not allowed in XML`);
  const out: string[] = [];
  let copiedUpTo = 0;
  let depth = 0;
  // Inside a start tag (from its '<'), and inside which quote of an attribute value.
  let tagStart = -1;
  let quote: string | null = null;
  let i = 0;
  const skipPast = (terminator: string, from: number) => {
    const end = xml.indexOf(terminator, from);
    return end === -1 ? xml.length : end + terminator.length;
  };
  while (i < xml.length) {
    const c = xml[i];
    if (tagStart !== -1 && c !== '&') {
      if (quote !== null) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') {
        if (xml[i - 1] !== '/' && ++depth > maxDepth) return refuse(xml, tagStart, `elements nested more than ${maxDepth} deep`);
        tagStart = -1;
      }
      i++;
      continue;
    }
    if (c === '<') {
      if (xml.startsWith('<!--', i)) i = skipPast('-->', i + 4);
      else if (xml.startsWith('<![CDATA[', i)) i = skipPast(']]>', i + 9);
      else if (xml.startsWith('<?', i)) i = skipPast('?>', i + 2);
      else if (xml.startsWith('<!', i)) i = skipPast('>', i + 2);
      else if (xml[i + 1] === '/') {
        depth--;
        i = skipPast('>', i + 2);
      } else {
        tagStart = i;
        i++;
      }
      continue;
    }
    if (c !== '&') {
      i++;
      continue;
    }
    REFERENCE.lastIndex = i;
    const match = REFERENCE.exec(xml);
    if (!match) return refuse(xml, i, "a '&' that starts no reference (write &amp; for the character itself)");
    const [whole, decimal, hexadecimal, name] = match;
    if (name !== undefined) {
      if (!PREDEFINED.has(name))
        return refuse(xml, i, `undeclared entity ${whole} (XML predefines only &lt; &gt; &amp; &apos; &quot;; write other characters as themselves or as &#233;)`);
      i += whole.length;
      continue;
    }
    const codePoint = decimal !== undefined ? parseInt(decimal, 10) : parseInt(hexadecimal, 16);
    if (!isXmlCharacter(codePoint)) return refuse(xml, i, `${whole} refers to U+${hex(codePoint)}, a character XML does not allow`);
    const character = String.fromCodePoint(codePoint);
    out.push(xml.slice(copiedUpTo, i), MARKUP[character] ?? character);
    i += whole.length;
    copiedUpTo = i;
  }
  out.push(xml.slice(copiedUpTo));
  return { ok: true, xml: out.join('') };
}

function firstNonXmlCharacter(xml: string): number | null {
  for (let i = 0; i < xml.length; i++) {
    const codePoint = codePointAt(xml, i);
    if (!isXmlCharacter(codePoint)) return i;
    if (codePoint > 0xffff) i++;
  }
  return null;
}

/** The code point at i, or the lone surrogate itself (which isXmlCharacter refuses). */
function codePointAt(text: string, i: number): number {
  return text.codePointAt(i) ?? 0;
}

function hex(codePoint: number): string {
  return codePoint.toString(16).toUpperCase().padStart(4, '0');
}

function refuse(xml: string, index: number, reason: string): XmlPreparation {
  let line = 1;
  let lineStart = 0;
  for (let i = xml.indexOf('\n'); i !== -1 && i < index; i = xml.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { ok: false, reason: `${reason} (line ${line}, column ${index - lineStart + 1})` };
}
