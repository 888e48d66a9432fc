import type { ChannelName, Funnel } from './api';
import type { WordKey } from './i18n';

const STATUS_WORDS: Record<string, WordKey> = {
  draft: 'statusDraft',
  awaiting_approval: 'statusAwaitingApproval',
  issued: 'statusIssued',
  rejected: 'statusRejected',
  cancelled: 'statusCancelled',
  expired: 'statusExpired',
};

const KIND_WORDS: Record<string, WordKey> = { actual: 'kindActual', test: 'kindTest', exercise: 'kindExercise' };

/** The word for a status the API gave; one the console does not know yet is shown as the API spells it. */
export function statusWord(status: string): WordKey | null {
  return STATUS_WORDS[status] ?? null;
}

export function kindWord(kind: string): WordKey | null {
  return KIND_WORDS[kind] ?? null;
}

/** Only an issued alert (not a cancel, not yet cancelled or expired) can be followed up (ADR 0008). */
export function canFollowUp(alert: { status: string; messageType: string }): boolean {
  return alert.status === 'issued' && alert.messageType !== 'cancel';
}

/**
 * Per channel, the members a follow-up will reach: those whose delivery of the original got to the
 * provider (queued or beyond, whatever happened after), as the expander takes them (ADR 0008).
 */
export function followUpReach(channels: Partial<Record<ChannelName, { funnel: Funnel }>>): Record<ChannelName, number> {
  return { sms: channels.sms?.funnel.queued ?? 0, email: channels.email?.funnel.queued ?? 0, voice: channels.voice?.funnel.queued ?? 0 };
}

export type AlertTexts = Record<string, { title: string; body: string; instruction?: string; contact?: string }>;

/** The original's texts, in the four languages the form offers, empty where it had none. */
export function prefilledTexts(original: AlertTexts, languages: readonly string[]): AlertTexts {
  return Object.fromEntries(languages.map((l) => [l, { title: original[l]?.title ?? '', body: original[l]?.body ?? '' }]));
}

/** The languages with both a title and a body, trimmed, with the instruction and contact line when given: what the API accepts. */
export function filledTexts(texts: AlertTexts): AlertTexts {
  return Object.fromEntries(
    Object.entries(texts)
      .filter(([, t]) => t.title.trim() && t.body.trim())
      .map(([l, t]) => [
        l,
        {
          title: t.title.trim(),
          body: t.body.trim(),
          ...(t.instruction?.trim() ? { instruction: t.instruction.trim() } : {}),
          ...(t.contact?.trim() ? { contact: t.contact.trim() } : {}),
        },
      ]),
  );
}
