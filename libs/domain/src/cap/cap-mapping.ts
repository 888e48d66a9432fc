import { AlertKind, Language, LANGUAGES, MessageType, Urgency } from '../vocabulary';

/**
 * How CAP 1.2 words map onto the alert's (ADR 0008 has the same tables for people).
 * Pure data and small functions, so that the reader and the writer cannot disagree.
 */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const;
export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export type CapUrgency = (typeof CAP_URGENCIES)[number];
export type CapSeverity = (typeof CAP_SEVERITIES)[number];
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];
export type CapCategory = (typeof CAP_CATEGORIES)[number];

/**
 * status → kind. Draft is imported as a draft of an actual alert (nothing is sent until the police
 * issue it); System is refused: it is traffic between systems, never a message for residents.
 */
export const KIND_OF_CAP_STATUS: Record<'Actual' | 'Exercise' | 'Test', AlertKind> = { Actual: 'actual', Exercise: 'exercise', Test: 'test' };
export const CAP_STATUS_OF_KIND: Record<AlertKind, 'Actual' | 'Exercise' | 'Test'> = { actual: 'Actual', exercise: 'Exercise', test: 'Test' };

/** msgType → message type. Ack and Error are refused: they answer alerts, they are not alerts. */
export const MESSAGE_TYPE_OF_CAP: Record<'Alert' | 'Update' | 'Cancel', MessageType> = { Alert: 'alert', Update: 'update', Cancel: 'cancel' };
export const CAP_MSG_TYPE_OF: Record<MessageType, 'Alert' | 'Update' | 'Cancel'> = { alert: 'Alert', update: 'Update', cancel: 'Cancel' };

/**
 * urgency × severity × certainty → the alert's urgency (its lane, its labels, its default
 * redistribution): urgent when people must act now on something real —
 *   Immediate, certainty not Unlikely                                   → urgent
 *   Expected, severity Extreme or Severe, certainty Observed or Likely  → urgent
 *   anything else (Future, Past, Unknown, Moderate/Minor, Unlikely)     → normal
 */
export function urgencyFromCap(urgency: CapUrgency, severity: CapSeverity, certainty: CapCertainty): Urgency {
  if (certainty === 'Unlikely') return 'normal';
  if (urgency === 'Immediate') return 'urgent';
  if (urgency === 'Expected' && (severity === 'Extreme' || severity === 'Severe') && (certainty === 'Observed' || certainty === 'Likely')) return 'urgent';
  return 'normal';
}

/** What an exported alert says; each reads back to the same urgency. */
export const CAP_TRIPLE_OF_URGENCY: Record<Urgency, { urgency: CapUrgency; severity: CapSeverity; certainty: CapCertainty }> = {
  urgent: { urgency: 'Immediate', severity: 'Severe', certainty: 'Observed' },
  normal: { urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' },
};

/** CAP's own category of a BIN category on export; ours travels in the eventCode `bin-category`. */
export const CAP_CATEGORY_OF_BIN_CATEGORY: Record<string, CapCategory> = {
  missing_person: 'Rescue',
  burglary: 'Security',
  prevention: 'Safety',
  covid: 'Health',
  general: 'Other',
};
export function capCategoryOf(categoryCode: string): CapCategory {
  return CAP_CATEGORY_OF_BIN_CATEGORY[categoryCode] ?? 'Safety';
}

/** The eventCode / geocode / parameter names this system reads and writes. */
export const CAP_VALUE_NAMES = {
  category: 'bin-category',
  bin: 'bin',
  redistribution: 'redistribution',
} as const;

/** Language tags written on export; on import any region of nl, fr, de, en is read (nl-NL, fr-FR…). */
export const CAP_LANGUAGE_TAG: Record<Language, string> = { nl: 'nl-BE', fr: 'fr-BE', de: 'de-DE', en: 'en-GB' };

/** CAP's default when an info block names no language. */
export const CAP_DEFAULT_LANGUAGE = 'en-US';

export function languageOfCapTag(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().split('-')[0];
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : null;
}

/** CAP dateTime: with a numeric offset; CAP 1.2 forbids the "Z" designator. */
export const CAP_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/;

export function formatCapDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
