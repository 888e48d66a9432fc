import { AlertKind, CategoryRule, Language, MessageType, Urgency } from '../vocabulary';

/** The text an operator wrote for one language. */
export interface AlertText {
  title: string;
  body: string;
  /** What to do (CAP `instruction`): its own paragraph, after the body, on every channel. */
  instruction?: string;
  /** Whom to call with information (CAP `contact`), e.g. "Politie Aalst, 053 72 43 00". */
  contact?: string;
}

/** What rendering needs to know about an alert; the same for every channel. */
export interface AlertContent {
  alertId: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  texts: Partial<Record<Language, AlertText>>;
  /** Actual unless said otherwise; a test or exercise says so on every channel. */
  kind?: AlertKind;
  /** An alert unless said otherwise; an update or cancel is labelled as such. */
  messageType?: MessageType;
  /** The zone's default language, used when the alert has no text in the member's own. */
  fallbackLanguage?: Language;
  /** The alert's category and its rule: e-mails offer one-click unsubscribe unless it is mandatory. */
  category?: string;
  categoryRule?: CategoryRule;
}

/**
 * The redistribution rule from the BIN meeting: urgent messages may be passed on only when the
 * police say so; every message says which it is, in the member's language.
 */
export const REDISTRIBUTION_NOTICE: Record<Language, Record<'allowed' | 'forbidden', string>> = {
  nl: { allowed: 'Dit bericht mag gedeeld worden.', forbidden: 'Dit bericht niet verder verspreiden.' },
  fr: { allowed: 'Ce message peut être partagé.', forbidden: 'Ne pas diffuser ce message.' },
  de: { allowed: 'Diese Nachricht darf geteilt werden.', forbidden: 'Diese Nachricht nicht weitergeben.' },
  en: { allowed: 'This message may be shared.', forbidden: 'Do not share this message.' },
};

/** Opens the contact line on every channel ("Contact: Bel 101"). GSM-7 only, so it never makes an SMS UCS-2. */
export const CONTACT_LABEL: Record<Language, string> = {
  nl: 'Contact',
  fr: 'Contact',
  de: 'Kontakt',
  en: 'Contact',
};

/** The contact line as members read it, or null when the alert names no contact. */
export function contactLine(text: AlertText, language: Language): string | null {
  return text.contact ? `${CONTACT_LABEL[language]}: ${text.contact}` : null;
}

export const URGENT_LABEL: Record<Language, string> = {
  nl: 'DRINGEND',
  fr: 'URGENT',
  de: 'DRINGEND',
  en: 'URGENT',
};

export const SENDER_NAME: Record<Language, string> = {
  nl: 'BIN-bericht van de politie',
  fr: 'Message BIN de la police',
  de: 'BIN-Nachricht der Polizei',
  en: 'BIN message from the police',
};

/** Said inside the call's `<Gather>`: pressing 1 confirms the member heard the alert. */
export const VOICE_CONFIRM_PROMPT: Record<Language, string> = {
  nl: 'Druk op 1 om te bevestigen dat u dit bericht hebt ontvangen.',
  fr: 'Appuyez sur 1 pour confirmer que vous avez reçu ce message.',
  de: 'Drücken Sie die 1, um zu bestätigen, dass Sie diese Nachricht erhalten haben.',
  en: 'Press 1 to confirm that you received this message.',
};

/** Said after the member pressed 1. */
export const VOICE_CONFIRM_THANKS: Record<Language, string> = {
  nl: 'Bedankt. Uw bevestiging is genoteerd.',
  fr: 'Merci. Votre confirmation est enregistrée.',
  de: 'Danke. Ihre Bestätigung wurde gespeichert.',
  en: 'Thank you. Your confirmation has been recorded.',
};

export function redistributionNotice(content: AlertContent, language: Language): string {
  return REDISTRIBUTION_NOTICE[language][content.redistributionAllowed ? 'allowed' : 'forbidden'];
}

/** Marks a test or exercise at the start of every message, in the member's language. */
export const NOT_REAL_LABEL: Record<Language, Record<'test' | 'exercise', string>> = {
  nl: { test: 'TEST', exercise: 'OEFENING' },
  fr: { test: 'TEST', exercise: 'EXERCICE' },
  de: { test: 'TEST', exercise: 'ÜBUNG' },
  en: { test: 'TEST', exercise: 'EXERCISE' },
};

/** Says in full that nothing is happening: the Hawaii lesson, a test must not read as real. */
export const NOT_REAL_NOTICE: Record<Language, Record<'test' | 'exercise', string>> = {
  nl: { test: 'Dit is een test, geen echte melding.', exercise: 'Dit is een oefening, geen echte melding.' },
  fr: { test: 'Ceci est un test, pas une vraie alerte.', exercise: 'Ceci est un exercice, pas une vraie alerte.' },
  de: { test: 'Dies ist ein Test, keine echte Meldung.', exercise: 'Dies ist eine Übung, keine echte Meldung.' },
  en: { test: 'This is a test, not a real alert.', exercise: 'This is an exercise, not a real alert.' },
};

/** Labels an update or a cancel ("person found": all clear) of an earlier message. GSM-7 only. */
export const FOLLOW_UP_LABEL: Record<Language, Record<'update' | 'cancel', string>> = {
  nl: { update: 'UPDATE', cancel: 'EINDE ALARM' },
  fr: { update: 'MISE A JOUR', cancel: "FIN D'ALERTE" },
  de: { update: 'AKTUALISIERUNG', cancel: 'ENTWARNUNG' },
  en: { update: 'UPDATE', cancel: 'ALL CLEAR' },
};

/**
 * The labels that open a message, most important first: not real, follow-up, urgent. Empty for
 * an ordinary actual, non-urgent alert.
 */
export function messageLabels(content: AlertContent, language: Language): string[] {
  const labels: string[] = [];
  if (content.kind && content.kind !== 'actual') labels.push(NOT_REAL_LABEL[language][content.kind]);
  if (content.messageType && content.messageType !== 'alert') labels.push(FOLLOW_UP_LABEL[language][content.messageType]);
  if (content.urgency === 'urgent') labels.push(URGENT_LABEL[language]);
  return labels;
}

/**
 * The footer of an alert e-mail, in the member's language: the preference centre, and leaving the
 * alert's category on e-mail. Sentences without their colon, since an HTML link is the sentence.
 */
export const EMAIL_FOOTER: Record<Language, { preferences: string; unsubscribe: (messages: string) => string; colon: string }> = {
  nl: { preferences: 'Wijzig welke berichten u ontvangt, hoe en wanneer', unsubscribe: (m) => `Geen ${m} meer per e-mail`, colon: ':' },
  fr: { preferences: 'Choisissez quels messages vous recevez, comment et quand', unsubscribe: (m) => `Ne plus recevoir ${m} par e-mail`, colon: ' :' },
  de: { preferences: 'Ändern Sie, welche Nachrichten Sie erhalten, wie und wann', unsubscribe: (m) => `Keine ${m} mehr per E-Mail`, colon: ':' },
  en: { preferences: 'Change which messages you receive, how and when', unsubscribe: (m) => `No more ${m} by e-mail`, colon: ':' },
};

/**
 * "Messages about <category>" as a sentence of EMAIL_FOOTER needs it. The categories table holds
 * one bilingual name for staff ("Inbraak / Cambriolage"), not a phrase per language, so the
 * categories every installation starts with are phrased here and any other one is named by code.
 */
const CATEGORY_MESSAGES: Record<string, Record<Language, string>> = {
  missing_person: {
    nl: 'berichten over vermiste personen',
    fr: 'les messages sur les personnes disparues',
    de: 'Nachrichten über vermisste Personen',
    en: 'messages about missing persons',
  },
  burglary: { nl: 'berichten over inbraken', fr: 'les messages sur les cambriolages', de: 'Nachrichten über Einbrüche', en: 'messages about burglaries' },
  prevention: { nl: 'preventieberichten', fr: 'les messages de prévention', de: 'Präventionsnachrichten', en: 'prevention messages' },
  general: { nl: 'algemene berichten', fr: "les messages d'ordre général", de: 'allgemeinen Nachrichten', en: 'general messages' },
  covid: { nl: 'berichten over COVID-19', fr: 'les messages sur la COVID-19', de: 'Nachrichten zu COVID-19', en: 'messages about COVID-19' },
};

const OTHER_CATEGORY_MESSAGES: Record<Language, (code: string) => string> = {
  nl: (c) => `berichten van de categorie ‘${c}’`,
  fr: (c) => `les messages de la catégorie « ${c} »`,
  de: (c) => `Nachrichten der Kategorie „${c}“`,
  en: (c) => `messages in the category ‘${c}’`,
};

export function categoryMessages(category: string, language: Language): string {
  return Object.hasOwn(CATEGORY_MESSAGES, category) ? CATEGORY_MESSAGES[category][language] : OTHER_CATEGORY_MESSAGES[language](category);
}

/** A member may leave the alert's category on e-mail (List-Unsubscribe, the footer's link) unless it is mandatory. */
export function offersUnsubscribe(content: AlertContent): content is AlertContent & { category: string } {
  return !!content.category && !!content.categoryRule && content.categoryRule !== 'mandatory';
}

/** The full "this is a test" sentence, or null for an actual alert. */
export function notRealNotice(content: AlertContent, language: Language): string | null {
  return content.kind && content.kind !== 'actual' ? NOT_REAL_NOTICE[language][content.kind] : null;
}
