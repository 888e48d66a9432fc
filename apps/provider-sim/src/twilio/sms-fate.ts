import { SimConfig } from '../config/sim-config';
import { Prng } from '../random/prng';
import { magicSms } from './magic-numbers';

export type SmsTerminalStatus = 'delivered' | 'undelivered' | 'failed';

/** What happens to an accepted SMS, decided when it is accepted. */
export interface SmsFate {
  status: SmsTerminalStatus;
  /** Twilio ErrorCode for undelivered/failed. */
  errorCode?: number;
  /** The terminal callback is posted before `sent`. */
  outOfOrder: boolean;
}

const UNDELIVERED_CODES = [30003, 30005, 30006] as const;

/**
 * Draws in a fixed order (outcome, error code, ordering) whatever the outcome, so that one
 * knob changing never shifts the draws of another.
 */
export function decideSmsFate(to: string, rates: SimConfig['sms'], prng: Prng): SmsFate {
  const drawn = prng.choose([
    ['undelivered', rates.undeliveredRate],
    ['failed', rates.failedRate],
  ] as const);
  const undeliveredCode = prng.pick(UNDELIVERED_CODES);
  const outOfOrder = prng.chance(rates.outOfOrderRate);

  const magic = magicSms(to);
  if (magic?.status === 'delivered') return { status: 'delivered', outOfOrder: true };
  if (magic) return { status: magic.status, errorCode: magic.errorCode, outOfOrder };
  if (drawn === 'undelivered') return { status: 'undelivered', errorCode: undeliveredCode, outOfOrder };
  if (drawn === 'failed') return { status: 'failed', errorCode: 30001, outOfOrder };
  return { status: 'delivered', outOfOrder };
}
