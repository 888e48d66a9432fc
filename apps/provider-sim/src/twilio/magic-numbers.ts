/**
 * Belgian mobile numbers with a fixed fate, whatever the configured rates: +32 470 99 GG xx,
 * where the group GG picks the behaviour and xx (00–99) is free, so a test can use 100
 * distinct numbers per behaviour. Documented in the README; keep the two in step.
 */
const MAGIC_NUMBER = /^\+3247099(\d{2})\d{2}$/;

export type MagicSms = { status: 'undelivered'; errorCode: 30003 | 30005 | 30006 } | { status: 'failed'; errorCode: 30001 } | { status: 'delivered'; outOfOrder: true };

export type MagicCall =
  | { outcome: 'no-answer' | 'busy' | 'failed' }
  /** The first call to the number is not answered (or meets a busy line); later ones reach a person who presses 1. */
  | { outcome: 'no-answer' | 'busy'; firstCallOnly: true }
  | { outcome: 'completed'; answeredBy: 'machine' }
  | { outcome: 'completed'; answeredBy: 'human'; acknowledges: boolean };

const SMS_GROUPS: Record<string, MagicSms> = {
  '00': { status: 'undelivered', errorCode: 30003 }, // unreachable handset (switched off, no coverage)
  '01': { status: 'undelivered', errorCode: 30005 }, // unknown handset (number not in service)
  '02': { status: 'undelivered', errorCode: 30006 }, // landline or unreachable carrier
  '03': { status: 'failed', errorCode: 30001 }, // never sent: queue overflow
  '04': { status: 'delivered', outOfOrder: true }, // delivered, but `delivered` is posted before `sent`
};

const CALL_GROUPS: Record<string, MagicCall> = {
  '10': { outcome: 'no-answer' },
  '11': { outcome: 'busy' },
  '12': { outcome: 'completed', answeredBy: 'machine' },
  '13': { outcome: 'failed' },
  '14': { outcome: 'completed', answeredBy: 'human', acknowledges: true }, // presses 1 at a <Gather>
  '15': { outcome: 'completed', answeredBy: 'human', acknowledges: false }, // listens, never presses
  '16': { outcome: 'no-answer', firstCallOnly: true }, // out the first time, answers (and presses 1) when called again
  '17': { outcome: 'busy', firstCallOnly: true }, // busy the first time, answers (and presses 1) when called again
};

export function magicSms(to: string): MagicSms | undefined {
  const group = MAGIC_NUMBER.exec(to)?.[1];
  return group === undefined ? undefined : SMS_GROUPS[group];
}

export function magicCall(to: string): MagicCall | undefined {
  const group = MAGIC_NUMBER.exec(to)?.[1];
  return group === undefined ? undefined : CALL_GROUPS[group];
}
