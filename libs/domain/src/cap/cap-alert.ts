import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { AlertText } from '../content/alert-message';
import { findForbiddenCharacter, tidyFreeText } from '../content/text-rules';
import { CAP_MAX_DEPTH, resolveXmlReferences } from './xml-references';
import { CAP_RESOURCE_ORDER, CapAreaDetails, CapDetails, CapInfoDetails, CapReference, CapResourceDetails, CapValuePair } from './cap-details';
import { AlertKind, Language, MessageType, Urgency } from '../vocabulary';
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_DATE_TIME,
  CAP_DEFAULT_LANGUAGE,
  CAP_LANGUAGE_TAG,
  CAP_MSG_TYPES,
  CAP_MSG_TYPE_OF,
  CAP_NAMESPACE,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_STATUS_OF_KIND,
  CAP_TRIPLE_OF_URGENCY,
  CAP_URGENCIES,
  CAP_VALUE_NAMES,
  CapCertainty,
  CapSeverity,
  CapUrgency,
  KIND_OF_CAP_STATUS,
  MESSAGE_TYPE_OF_CAP,
  capCategoryOf,
  formatCapDateTime,
  languageOfCapTag,
  urgencyFromCap,
} from './cap-mapping';

/** A CAP alert in the domain's words, ready for the lifecycle. */
export interface CapAlert {
  sender: string;
  identifier: string;
  sent: Date;
  /** CAP status Draft: stored as a draft, nothing sent until the police issue it. */
  asDraft: boolean;
  kind: AlertKind;
  messageType: MessageType;
  references: CapReference[];
  /** From the eventCode `bin-category`; may be absent on an update or cancel (the original's holds). */
  categoryCode: string | null;
  urgency: Urgency;
  /** From the parameter `redistribution`; null when absent (the default rule applies). */
  redistributionAllowed: boolean | null;
  /** From the areas' geocodes `bin`; may be empty on an update or cancel. */
  binIds: string[];
  texts: Partial<Record<Language, AlertText>>;
  expiresAt: Date | null;
  /** Everything else the document said, kept for the export (ADR 0024). */
  details: CapDetails;
}

/** A CAP element that is wrong, named by its path (`alert.info[1].urgency`, 0-based), and why. */
export interface CapProblem {
  field: string;
  reason: string;
}

export type CapReadResult = { ok: true; alert: CapAlert } | { ok: false; problems: CapProblem[] };

/** As the JSON API: a title and a body the members can read. */
const TITLE_MAX = 200;
const BODY_MAX = 1600;
/** A name and a number: the SMS cuts it last, so it stays short (as in the JSON API). */
export const CONTACT_MAX = 200;
/** The JSON API's bound; a CAP document's instruction counts with its description (BODY_MAX), as before. */
export const INSTRUCTION_MAX = 800;
const MANY = ['code', 'info', 'category', 'responseType', 'eventCode', 'parameter', 'resource', 'area', 'polygon', 'circle', 'geocode'];

const parser = new XMLParser({
  // resolveXmlReferences has refused anything deeper; this is the parser's own guard, kept above it.
  maxNestedTags: CAP_MAX_DEPTH + 1,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => MANY.includes(name),
});

type Node = Record<string, unknown>;

/**
 * Reads an OASIS CAP 1.2 alert and maps it to the alert's terms, or says every element that is
 * wrong. Element order is not enforced (the XSD's sequence): a field that is there and valid is
 * read wherever it stands. A DOCTYPE is refused: CAP has none, and entities are an attack surface.
 * Total: whatever the string, the answer is a CapReadResult, never an exception.
 */
export function readCapAlert(input: string): CapReadResult {
  if (/<!DOCTYPE/i.test(input)) return fail('alert', 'a DOCTYPE is not allowed in a CAP alert');
  // XML 1.0 §2.11: a parser reads every CR LF and lone CR as LF, before anything else.
  const document = input.replace(/\r\n?/g, '\n');
  const prepared = resolveXmlReferences(document);
  if (!prepared.ok) return fail('body', `not well-formed XML: ${prepared.reason}`);
  const wellFormed = XMLValidator.validate(document);
  if (wellFormed !== true) return fail('body', `malformed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}, column ${wellFormed.err.col})`);
  const xml = prepared.xml;
  const root = /<(?:([A-Za-z_][\w.-]*):)?alert[\s>/]([^>]*)>?/.exec(xml);
  const namespaceAttribute = root ? new RegExp(`xmlns${root[1] ? `:${root[1]}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(root[2] ?? '') : null;
  if (!root || namespaceAttribute?.[1] !== CAP_NAMESPACE) return fail('alert', `not a CAP 1.2 alert: the root element must be <alert xmlns="${CAP_NAMESPACE}">`);
  let parsed: Node;
  try {
    parsed = parser.parse(xml) as Node;
  } catch (error) {
    // The validator passed it, so this is the parser disagreeing with it: still the document's fault.
    return fail('body', `unreadable XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const alert = asNode(parsed.alert);
  if (!alert) return fail('alert', 'missing');

  const problems: CapProblem[] = [];
  const problem = (field: string, reason: string) => problems.push({ field, reason });
  const checked = (value: unknown, field: string, required: boolean): string | null => {
    if (value === undefined || value === '') {
      if (required) problem(field, 'required');
      return null;
    }
    if (typeof value !== 'string') {
      problem(field, 'must be text, once');
      return null;
    }
    const forbidden = findForbiddenCharacter(value);
    if (forbidden) {
      problem(field, forbidden.reason);
      return null;
    }
    return value;
  };
  const text = (node: Node, name: string, path: string, required = true): string | null => checked(node[name], `${path}.${name}`, required);
  const oneOf = <T extends string>(node: Node, name: string, path: string, allowed: readonly T[], required = true): T | null => {
    const value = text(node, name, path, required);
    if (value === null) return null;
    if (!(allowed as readonly string[]).includes(value)) {
      problem(`${path}.${name}`, `'${value}' is not one of ${allowed.join(', ')}`);
      return null;
    }
    return value as T;
  };
  const dateTime = (node: Node, name: string, path: string, required: boolean): Date | null => {
    const value = text(node, name, path, required);
    if (value === null) return null;
    if (!CAP_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
      problem(`${path}.${name}`, `'${value}' is not a CAP dateTime (e.g. 2026-11-29T14:05:00+01:00; "Z" is not allowed)`);
      return null;
    }
    return new Date(value);
  };
  const identifierLike = (node: Node, name: string) => {
    const value = text(node, name, 'alert');
    if (value !== null && /[\s,<&]/.test(value)) problem(`alert.${name}`, 'must not contain spaces, commas, < or &');
    return value;
  };

  const identifier = identifierLike(alert, 'identifier');
  const sender = identifierLike(alert, 'sender');
  const sent = dateTime(alert, 'sent', 'alert', true);
  const status = oneOf(alert, 'status', 'alert', CAP_STATUSES);
  if (status === 'System') problem('alert.status', 'System messages are between systems and are not sent to residents');
  const msgType = oneOf(alert, 'msgType', 'alert', CAP_MSG_TYPES);
  if (msgType === 'Ack' || msgType === 'Error') problem('alert.msgType', `${msgType} answers an alert; only Alert, Update and Cancel are accepted`);
  const scope = oneOf(alert, 'scope', 'alert', CAP_SCOPES);
  // Kept for the export only; checked as every text is (forbidden characters), not interpreted.
  const optional = (node: Node, name: string, path: string): { [name: string]: string } => {
    const value = text(node, name, path, false);
    return value === null ? {} : { [name]: value };
  };
  const textList = (node: Node, name: string, path: string): string[] =>
    (Array.isArray(node[name]) ? (node[name] as unknown[]) : []).flatMap((value, j) => checked(value, `${path}.${name}[${j}]`, false) ?? []);
  const pairs = (node: Node, name: string, path: string): CapValuePair[] =>
    (Array.isArray(node[name]) ? (node[name] as unknown[]) : []).flatMap((p, j) => {
      const pair = asNode(p) ?? {};
      // A pair without a name says nothing (as before, it is skipped rather than refused).
      const valueName = text(pair, 'valueName', `${path}.${name}[${j}]`, false);
      const value = text(pair, 'value', `${path}.${name}[${j}]`, false) ?? '';
      return valueName === null ? [] : [{ valueName, value }];
    });
  const alertDetails = {
    ...optional(alert, 'source', 'alert'),
    ...optional(alert, 'restriction', 'alert'),
    ...optional(alert, 'addresses', 'alert'),
    codes: textList(alert, 'code', 'alert'),
    ...optional(alert, 'note', 'alert'),
    ...optional(alert, 'incidents', 'alert'),
  };
  const infoDetails: CapInfoDetails[] = [];
  const messageType: MessageType | null = msgType === 'Alert' || msgType === 'Update' || msgType === 'Cancel' ? MESSAGE_TYPE_OF_CAP[msgType] : null;

  const references: CapReference[] = [];
  const referencesText = text(alert, 'references', 'alert', messageType === 'update' || messageType === 'cancel');
  if (referencesText !== null) {
    for (const entry of referencesText.split(/\s+/)) {
      const [refSender, refIdentifier, refSent, ...rest] = entry.split(',');
      if (!refSender || !refIdentifier || !refSent || rest.length > 0) problem('alert.references', `'${entry}' is not sender,identifier,sent`);
      else references.push({ sender: refSender, identifier: refIdentifier, sent: refSent });
    }
    if (messageType === 'alert' && references.length > 0) problem('alert.references', 'an Alert references nothing; use msgType Update or Cancel');
  }

  const infos = Array.isArray(alert.info) ? alert.info.map((i) => asNode(i) ?? {}) : [];
  if (infos.length === 0) problem('alert.info', 'at least one info block: it holds the text the members get');

  const texts: Partial<Record<Language, AlertText>> = {};
  const categoryCodes = new Set<string>();
  const binIds: string[] = [];
  let urgency: Urgency | null = null;
  let redistributionAllowed: boolean | null = null;
  let expiresAt: Date | null = null;
  const needsTarget = messageType === 'alert';

  infos.forEach((info, i) => {
    const path = `alert.info[${i}]`;
    const writtenTag = text(info, 'language', path, false);
    const tag = writtenTag ?? CAP_DEFAULT_LANGUAGE;
    const language = languageOfCapTag(tag);
    if (!language) problem(`${path}.language`, `'${tag}' is not supported; use nl, fr, de or en (any region, e.g. nl-BE)`);
    else if (texts[language]) problem(`${path}.language`, `a second info block in '${language}'`);

    const categories = Array.isArray(info.category) ? info.category : [];
    if (categories.length === 0) problem(`${path}.category`, 'required');
    categories.forEach((c, j) => {
      if (!(CAP_CATEGORIES as readonly unknown[]).includes(c)) problem(`${path}.category[${j}]`, `'${String(c)}' is not one of ${CAP_CATEGORIES.join(', ')}`);
    });
    const event = text(info, 'event', path);
    const capUrgency = oneOf<CapUrgency>(info, 'urgency', path, CAP_URGENCIES);
    const severity = oneOf<CapSeverity>(info, 'severity', path, CAP_SEVERITIES);
    const certainty = oneOf<CapCertainty>(info, 'certainty', path, CAP_CERTAINTIES);
    if (capUrgency && severity && certainty && urgencyFromCap(capUrgency, severity, certainty) === 'urgent') urgency = 'urgent';
    else if (capUrgency && severity && certainty) urgency ??= 'normal';

    const eventCodes = namedValues(info.eventCode, CAP_VALUE_NAMES.category);
    if (eventCodes.length === 0 && needsTarget)
      problem(`${path}.eventCode`, `an eventCode with valueName '${CAP_VALUE_NAMES.category}' naming the BIN category (e.g. missing_person)`);
    for (const code of eventCodes) categoryCodes.add(code);
    if (categoryCodes.size > 1) problem(`${path}.eventCode`, `every info block names the same ${CAP_VALUE_NAMES.category}; found ${[...categoryCodes].join(', ')}`);

    const redistribution = namedValues(info.parameter, CAP_VALUE_NAMES.redistribution);
    for (const value of redistribution) {
      if (value !== 'allowed' && value !== 'forbidden') problem(`${path}.parameter`, `${CAP_VALUE_NAMES.redistribution} is 'allowed' or 'forbidden', not '${value}'`);
      else if (redistributionAllowed !== null && redistributionAllowed !== (value === 'allowed'))
        problem(`${path}.parameter`, `${CAP_VALUE_NAMES.redistribution} differs between info blocks`);
      else redistributionAllowed = value === 'allowed';
    }

    const expires = dateTime(info, 'expires', path, false);
    if (expires && sent && expires <= sent) problem(`${path}.expires`, 'must be after sent');
    if (expires && (!expiresAt || expires < expiresAt)) expiresAt = expires;

    const areas = Array.isArray(info.area) ? info.area.map((a) => asNode(a) ?? {}) : [];
    const binsBefore = binIds.length;
    const areaDetails: CapAreaDetails[] = [];
    areas.forEach((area, j) => {
      const areaPath = `${path}.area[${j}]`;
      const areaDesc = text(area, 'areaDesc', areaPath);
      for (const bin of namedValues(area.geocode, CAP_VALUE_NAMES.bin)) if (!binIds.includes(bin)) binIds.push(bin);
      areaDetails.push({
        areaDesc: areaDesc ?? '',
        polygons: textList(area, 'polygon', areaPath),
        circles: textList(area, 'circle', areaPath),
        geocodes: pairs(area, 'geocode', areaPath),
        ...optional(area, 'altitude', areaPath),
        ...optional(area, 'ceiling', areaPath),
      });
    });
    if (needsTarget && binIds.length === binsBefore && i === 0) {
      problem(`${path}.area`, `an area with a geocode valueName '${CAP_VALUE_NAMES.bin}' for each BIN to reach (e.g. herdersem)`);
    }

    const headline = tidied(text(info, 'headline', path));
    const description = tidied(text(info, 'description', path), true);
    const instruction = tidied(text(info, 'instruction', path, false), true);
    const contact = tidied(text(info, 'contact', path, false));
    if (headline !== null && headline.length > TITLE_MAX) problem(`${path}.headline`, `at most ${TITLE_MAX} characters`);
    if (description !== null && description.length + (instruction?.length ?? 0) > BODY_MAX) problem(`${path}.description`, `at most ${BODY_MAX} characters, instruction included`);
    if (contact !== null && contact.length > CONTACT_MAX) problem(`${path}.contact`, `at most ${CONTACT_MAX} characters`);
    if (language && !texts[language] && headline !== null && description !== null) {
      texts[language] = { title: headline, body: description, ...(instruction ? { instruction } : {}), ...(contact ? { contact } : {}) };
    }

    const resources: CapResourceDetails[] = (Array.isArray(info.resource) ? info.resource : []).map((r, j) => {
      const resource = asNode(r) ?? {};
      const resourcePath = `${path}.resource[${j}]`;
      return Object.assign({}, ...CAP_RESOURCE_ORDER.map((name) => optional(resource, name, resourcePath))) as CapResourceDetails;
    });
    infoDetails.push({
      ...(writtenTag !== null ? { language: writtenTag } : {}),
      categories: categories.filter((c): c is string => typeof c === 'string'),
      event: event ?? '',
      responseTypes: textList(info, 'responseType', path),
      urgency: capUrgency ?? 'Unknown',
      severity: severity ?? 'Unknown',
      certainty: certainty ?? 'Unknown',
      ...optional(info, 'audience', path),
      eventCodes: pairs(info, 'eventCode', path),
      ...optional(info, 'effective', path),
      ...optional(info, 'onset', path),
      ...optional(info, 'expires', path),
      ...optional(info, 'senderName', path),
      ...optional(info, 'web', path),
      parameters: pairs(info, 'parameter', path),
      resources,
      areas: areaDetails,
    });
  });

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    alert: {
      sender: sender!,
      identifier: identifier!,
      sent: sent!,
      asDraft: status === 'Draft',
      kind: status === 'Draft' ? 'actual' : KIND_OF_CAP_STATUS[status as 'Actual' | 'Exercise' | 'Test'],
      messageType: messageType!,
      references,
      categoryCode: [...categoryCodes][0] ?? null,
      urgency: urgency ?? 'normal',
      redistributionAllowed,
      binIds,
      texts,
      expiresAt,
      details: { ...alertDetails, scope: scope!, references: referencesText === null ? [] : references, infos: infoDetails },
    },
  };
}

/** What the writer needs to know about an alert. */
export interface CapExport {
  sender: string;
  identifier: string;
  sent: Date;
  /** Not issued yet (draft or awaiting approval): an actual alert is written with status Draft. */
  unissued: boolean;
  kind: AlertKind;
  messageType: MessageType;
  /** Every earlier message of the chain, oldest first; a sent as text is written as it is (a kept CAP reference). */
  references: Array<{ sender: string; identifier: string; sent: Date | string }>;
  categoryCode: string;
  categoryName: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  bins: Array<{ id: string; name: string }>;
  texts: Partial<Record<Language, AlertText>>;
  expiresAt: Date | null;
  /** An imported alert: what its document said beyond the alert's terms, written back as it came. */
  details?: CapDetails | null;
}

const builder = new XMLBuilder({ format: true, ignoreAttributes: false, suppressEmptyNode: true });

/**
 * Writes an alert as CAP 1.2 in the XSD's element order, one info block per language; readCapAlert
 * reads it back to the same alert. An imported alert is written as it came (its details), with the
 * state, message type and references this system knows now.
 */
export function writeCapAlert(alert: CapExport): string {
  const status = alert.unissued && alert.kind === 'actual' ? 'Draft' : CAP_STATUS_OF_KIND[alert.kind];
  const details = alert.details ?? null;
  const kept = details?.infos ?? [];
  const keptLanguages = kept.map((info) => languageOfCapTag(info.language ?? CAP_DEFAULT_LANGUAGE));
  const infos = [
    ...kept.flatMap((info, i) => {
      const text = alert.texts[keptLanguages[i]!];
      return text ? [keptInfo(alert, info, text)] : [];
    }),
    ...(Object.keys(alert.texts) as Language[]).filter((l) => alert.texts[l] && !keptLanguages.includes(l)).map((language) => writtenInfo(alert, language, alert.texts[language]!)),
  ];
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    alert: {
      '@_xmlns': CAP_NAMESPACE,
      identifier: alert.identifier,
      sender: alert.sender,
      sent: formatCapDateTime(alert.sent),
      status,
      msgType: CAP_MSG_TYPE_OF[alert.messageType],
      ...present('source', details?.source),
      scope: details?.scope ?? 'Public',
      ...present('restriction', details?.restriction),
      ...present('addresses', details?.addresses),
      ...(details && details.codes.length > 0 ? { code: details.codes } : {}),
      ...present('note', details?.note),
      ...(alert.references.length > 0
        ? { references: alert.references.map((r) => `${r.sender},${r.identifier},${typeof r.sent === 'string' ? r.sent : formatCapDateTime(r.sent)}`).join(' ') }
        : {}),
      ...present('incidents', details?.incidents),
      info: infos,
    },
  };
  return builder.build(document) as string;
}

/** An info block of an alert written here (JSON): our category, urgency, redistribution and BINs in CAP's words. */
function writtenInfo(alert: CapExport, language: Language, text: AlertText): Record<string, unknown> {
  const triple = CAP_TRIPLE_OF_URGENCY[alert.urgency];
  return {
    language: CAP_LANGUAGE_TAG[language],
    category: [capCategoryOf(alert.categoryCode)],
    event: alert.categoryName,
    urgency: triple.urgency,
    severity: triple.severity,
    certainty: triple.certainty,
    eventCode: [{ valueName: CAP_VALUE_NAMES.category, value: alert.categoryCode }],
    ...(alert.expiresAt ? { expires: formatCapDateTime(alert.expiresAt) } : {}),
    senderName: alert.sender,
    ...membersText(text),
    parameter: [{ valueName: CAP_VALUE_NAMES.redistribution, value: alert.redistributionAllowed ? 'allowed' : 'forbidden' }],
    area: binAreas(alert),
  };
}

/**
 * An info block of an imported alert, as it came; the members' text from the alert's texts. What
 * this system acted on is always stated, so a block that did not name it gets it from the alert's
 * own terms: the category eventCode, the redistribution rule applied (the default when the
 * document named none) and, with no `bin` geocode in any area, one area per BIN reached.
 */
function keptInfo(alert: CapExport, info: CapInfoDetails, text: AlertText): Record<string, unknown> {
  const eventCodes = info.eventCodes.some((c) => c.valueName === CAP_VALUE_NAMES.category)
    ? info.eventCodes
    : [...info.eventCodes, { valueName: CAP_VALUE_NAMES.category, value: alert.categoryCode }];
  const parameters = info.parameters.some((p) => p.valueName === CAP_VALUE_NAMES.redistribution)
    ? info.parameters
    : [...info.parameters, { valueName: CAP_VALUE_NAMES.redistribution, value: alert.redistributionAllowed ? 'allowed' : 'forbidden' }];
  const keptAreas = info.areas.map((area) => ({
    areaDesc: area.areaDesc,
    ...(area.polygons.length > 0 ? { polygon: area.polygons } : {}),
    ...(area.circles.length > 0 ? { circle: area.circles } : {}),
    ...(area.geocodes.length > 0 ? { geocode: area.geocodes } : {}),
    ...present('altitude', area.altitude),
    ...present('ceiling', area.ceiling),
  }));
  const namesBins = info.areas.some((area) => area.geocodes.some((g) => g.valueName === CAP_VALUE_NAMES.bin));
  const areas = namesBins ? keptAreas : [...keptAreas, ...binAreas(alert)];
  return {
    ...present('language', info.language),
    category: info.categories,
    event: info.event,
    ...(info.responseTypes.length > 0 ? { responseType: info.responseTypes } : {}),
    urgency: info.urgency,
    severity: info.severity,
    certainty: info.certainty,
    ...present('audience', info.audience),
    eventCode: eventCodes,
    ...present('effective', info.effective),
    ...present('onset', info.onset),
    ...present('expires', info.expires),
    ...present('senderName', info.senderName),
    ...membersText(text, info.web),
    parameter: parameters,
    ...(info.resources.length > 0 ? { resource: info.resources.map((r) => Object.assign({}, ...CAP_RESOURCE_ORDER.map((name) => present(name, r[name])))) } : {}),
    ...(areas.length > 0 ? { area: areas } : {}),
  };
}

function binAreas(alert: CapExport): Array<Record<string, unknown>> {
  return alert.bins.map((bin) => ({ areaDesc: bin.name, geocode: [{ valueName: CAP_VALUE_NAMES.bin, value: bin.id }] }));
}

/** headline, description, instruction, web, contact: CAP's order, web between the members' lines. */
function membersText(text: AlertText, web?: string): Record<string, string> {
  return {
    headline: text.title,
    description: text.body,
    ...present('instruction', text.instruction),
    ...present('web', web),
    ...present('contact', text.contact),
  };
}

function present(name: string, value: string | undefined): Record<string, string> {
  return value === undefined || value === '' ? {} : { [name]: value };
}

/** What members read, tidied as the JSON API tidies it. */
function tidied(text: string | null, multiline = false): string | null {
  return text === null ? null : tidyFreeText(text, { multiline });
}

function fail(field: string, reason: string): CapReadResult {
  return { ok: false, problems: [{ field, reason }] };
}

function asNode(value: unknown): Node | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Node) : null;
}

/** The values of the `<valueName>name</valueName><value>…</value>` pairs called `name`. */
function namedValues(pairs: unknown, name: string): string[] {
  if (!Array.isArray(pairs)) return [];
  return pairs
    .map(asNode)
    .filter((p): p is Node => p !== null && p.valueName === name && typeof p.value === 'string' && p.value !== '')
    .map((p) => (p.value as string).trim());
}
