import { InDoubtLookup } from '../ports';
import { createdSince } from './provider-clock';
import { askTwilio } from './twilio-failure';

/**
 * What Twilio holds to a number that may stem from an earlier claim, messages and calls alike:
 * its list resource gives the newest first, and twenty cover any retry window of one alert; of
 * those, the ones created since the claim (allowing for the clocks' skew).
 */
export async function createdToNumberSince<T extends { dateCreated: Date }>(list: (query: { to: string; limit: number }) => Promise<T[]>, lookup: InDoubtLookup): Promise<T[]> {
  const recent = await askTwilio(() => list({ to: lookup.to, limit: 20 }));
  return recent.filter((r) => createdSince(r.dateCreated, lookup.since));
}
