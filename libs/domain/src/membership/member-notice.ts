import { VoiceScript, escapeXml } from '../content/render-message';
import { Language } from '../vocabulary';

/** Messages a member gets about their membership rather than about an alert. */
export const MEMBER_NOTICE_KINDS = ['category_invitation', 'email_confirmation', 'sms_code', 'preferences_link', 'voice_code'] as const;
export type MemberNoticeKind = (typeof MEMBER_NOTICE_KINDS)[number];

export interface RenderedNoticeEmail {
  subject: string;
  text: string;
  html: string;
}

const INVITATION: Record<Language, { subject: (c: string) => string; body: (c: string) => string; action: string }> = {
  nl: {
    subject: (c) => `Wilt u nog BIN-berichten over ${c} ontvangen?`,
    body: (c) =>
      `De BIN-besturen hebben beslist dat berichten over ${c} niet langer standaard naar alle leden gaan. Wilt u ze toch blijven ontvangen, schrijf u dan in via deze link:`,
    action: 'Inschrijven',
  },
  fr: {
    subject: (c) => `Souhaitez-vous encore recevoir les messages BIN sur ${c} ?`,
    body: (c) =>
      `Les comités BIN ont décidé que les messages sur ${c} ne sont plus envoyés par défaut à tous les membres. Pour continuer à les recevoir, inscrivez-vous via ce lien :`,
    action: "S'inscrire",
  },
  de: {
    subject: (c) => `Möchten Sie weiterhin BIN-Nachrichten zu ${c} erhalten?`,
    body: (c) =>
      `Die BIN-Vorstände haben beschlossen, Nachrichten zu ${c} nicht mehr standardmäßig an alle Mitglieder zu senden. Wenn Sie sie weiterhin erhalten möchten, melden Sie sich über diesen Link an:`,
    action: 'Anmelden',
  },
  en: {
    subject: (c) => `Do you still want BIN messages about ${c}?`,
    body: (c) => `The BIN boards decided that messages about ${c} no longer go to every member by default. If you still want them, subscribe through this link:`,
    action: 'Subscribe',
  },
};

const CONFIRMATION: Record<Language, { subject: string; body: string; action: string }> = {
  nl: {
    subject: 'Bevestig uw e-mailadres voor het BIN',
    body: 'U vroeg om lid te worden van een buurtinformatienetwerk. Bevestig uw e-mailadres via deze link:',
    action: 'Bevestigen',
  },
  fr: {
    subject: 'Confirmez votre adresse e-mail pour le BIN',
    body: "Vous avez demandé à devenir membre d'un réseau d'information de quartier. Confirmez votre adresse via ce lien :",
    action: 'Confirmer',
  },
  de: {
    subject: 'Bestätigen Sie Ihre E-Mail-Adresse für das BIN',
    body: 'Sie möchten Mitglied eines Nachbarschaftsinformationsnetzwerks werden. Bestätigen Sie Ihre Adresse über diesen Link:',
    action: 'Bestätigen',
  },
  en: {
    subject: 'Confirm your e-mail address for the BIN',
    body: 'You asked to join a neighbourhood information network. Confirm your address through this link:',
    action: 'Confirm',
  },
};

const PREFERENCES: Record<Language, { subject: string; body: string; action: string }> = {
  nl: { subject: 'Uw BIN-voorkeuren', body: 'Via deze link kiest u welke BIN-berichten u ontvangt, hoe, in welke taal en wanneer niet:', action: 'Voorkeuren' },
  fr: { subject: 'Vos préférences BIN', body: 'Ce lien vous permet de choisir quels messages BIN vous recevez, comment, en quelle langue et quand pas :', action: 'Préférences' },
  de: {
    subject: 'Ihre BIN-Einstellungen',
    body: 'Über diesen Link wählen Sie, welche BIN-Nachrichten Sie wie, in welcher Sprache und wann nicht erhalten:',
    action: 'Einstellungen',
  },
  en: { subject: 'Your BIN preferences', body: 'Through this link you choose which BIN messages you get, how, in which language and when not:', action: 'Preferences' },
};

const SMS_CODE: Record<Language, (code: string) => string> = {
  nl: (code) => `Uw BIN-bevestigingscode is ${code}. Ze blijft 15 minuten geldig.`,
  fr: (code) => `Votre code de confirmation BIN est ${code}. Il reste valable 15 minutes.`,
  de: (code) => `Ihr BIN-Bestätigungscode ist ${code}. Er ist 15 Minuten gültig.`,
  en: (code) => `Your BIN confirmation code is ${code}. It is valid for 15 minutes.`,
};

const VOICE_CODE: Record<Language, { intro: string; again: string; end: string }> = {
  nl: { intro: 'Hallo, hier is het BIN van de politie. Uw bevestigingscode is', again: 'Ik herhaal: uw code is', end: 'Tot ziens.' },
  fr: { intro: 'Bonjour, ici le BIN de la police. Votre code de confirmation est', again: 'Je répète : votre code est', end: 'Au revoir.' },
  de: { intro: 'Hallo, hier ist das BIN der Polizei. Ihr Bestätigungscode ist', again: 'Ich wiederhole: Ihr Code ist', end: 'Auf Wiederhören.' },
  en: { intro: 'Hello, this is the police BIN. Your confirmation code is', again: 'Again: your code is', end: 'Goodbye.' },
};

/**
 * The call that confirms a phone for calls: the code said digit by digit ("1, 2, 3"), so that a
 * voice reads it as digits and not as a number, twice, as a listener reaches for a pen.
 */
export function renderVoiceCode(language: Language, code: string): VoiceScript {
  const t = VOICE_CODE[language];
  const digits = `${code.split('').join(', ')}.`;
  return {
    language,
    steps: [{ kind: 'say', text: `${t.intro} ${digits}` }, { kind: 'pause', seconds: 1 }, { kind: 'say', text: `${t.again} ${digits} ${t.end}` }, { kind: 'hangup' }],
  };
}

function emailWithLink(language: Language, subject: string, body: string, action: string, link: string): RenderedNoticeEmail {
  return {
    subject,
    text: `${body}\n\n${link}\n`,
    html: `<!doctype html><html lang="${language}"><body>\n<p>${escapeXml(body)}</p>\n<p><a href="${escapeXml(link)}">${escapeXml(action)}</a></p>\n</body></html>`,
  };
}

export function renderCategoryInvitation(language: Language, categoryName: string, link: string): RenderedNoticeEmail {
  const t = INVITATION[language];
  return emailWithLink(language, t.subject(categoryName), t.body(categoryName), t.action, link);
}

export function renderEmailConfirmation(language: Language, link: string): RenderedNoticeEmail {
  const t = CONFIRMATION[language];
  return emailWithLink(language, t.subject, t.body, t.action, link);
}

export function renderPreferencesLink(language: Language, link: string): RenderedNoticeEmail {
  const t = PREFERENCES[language];
  return emailWithLink(language, t.subject, t.body, t.action, link);
}

export function renderSmsCode(language: Language, code: string): string {
  return SMS_CODE[language](code);
}

/**
 * RFC 2369 List-Unsubscribe with RFC 8058 one-click: a mail client (Gmail, Apple Mail) shows an
 * "unsubscribe" button that POSTs `List-Unsubscribe=One-Click` to the https URL without asking
 * the member anything else. The mailto form is for clients that only know that one.
 */
export function listUnsubscribeHeaders(oneClickUrl: string, mailto?: string): Record<string, string> {
  const targets = [`<${oneClickUrl}>`, ...(mailto ? [`<mailto:${mailto}>`] : [])];
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
