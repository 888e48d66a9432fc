import type { Channel, Language } from '@bin-alert/domain';
import type { NewMember } from '../repositories/member.repository';
import { AALST_BINS } from './aalst-reference-data';
import { fictitiousName } from './fictitious-names';

/**
 * Fictitious members for demos, deterministic so that two runs produce the same people.
 * Numbers are in Belgian mobile ranges that the simulator accepts; none of them is real.
 */
export function demoMember(n: number): NewMember {
  const language: Language = n % 10 < 7 ? 'nl' : n % 10 < 9 ? 'fr' : n % 20 === 9 ? 'de' : 'en';
  const bin = AALST_BINS[n % AALST_BINS.length].id;
  const second = n % 17 === 0 ? AALST_BINS[(n + 5) % AALST_BINS.length].id : null;
  const contacts: NewMember['contacts'] = [
    { kind: 'mobile', value: `+3247${String(n).padStart(7, '0')}`, verified: n % 25 !== 0 },
    { kind: 'email', value: `member${n}@example.be`, verified: true },
  ];
  if (n % 8 === 0) contacts.push({ kind: 'phone', value: `+3253${String(n).padStart(6, '0')}`, verified: true });
  const preferences: Array<{ categoryCode: string; channel: Channel; enabled: boolean }> = [];
  if (n % 5 === 0) preferences.push({ categoryCode: 'covid', channel: 'email', enabled: true });
  if (n % 11 === 0) preferences.push({ categoryCode: 'prevention', channel: 'sms', enabled: false });
  return {
    displayName: fictitiousName(n),
    language,
    memberships: [{ binId: bin }, ...(second && second !== bin ? [{ binId: second }] : [])],
    contacts,
    preferences,
  };
}
