import { CategoryRule, Language, Urgency } from '../vocabulary';

/** The text an operator wrote for one language. */
export interface AlertText {
  title: string;
  body: string;
}

/** What rendering needs to know about an alert; the same for every channel. */
export interface AlertContent {
  alertId: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  texts: Partial<Record<Language, AlertText>>;
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
