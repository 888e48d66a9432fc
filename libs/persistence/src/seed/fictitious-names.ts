/**
 * Fictitious Flemish, Walloon and German-speaking names shared by the demo seed and the
 * benchmark's generator, so that the console shows the same kind of people in both.
 */
const FIRST_NAMES = [
  'Anna',
  'Bart',
  'Chloé',
  'Dirk',
  'Els',
  'Frank',
  'Griet',
  'Hugo',
  'Ilse',
  'Jan',
  'Karin',
  'Lucas',
  'Marie',
  'Nico',
  'Olivia',
  'Pieter',
  'Ruth',
  'Sofie',
  'Tom',
  'Wout',
  'Yasmine',
  'Zoë',
];
const LAST_NAMES = [
  'Peeters',
  'Janssens',
  'Maes',
  'Jacobs',
  'De Smet',
  'Claes',
  'Goossens',
  'Wouters',
  'Dubois',
  'Lambert',
  'Mertens',
  'Willems',
  'Van den Broeck',
  'Martin',
  'Müller',
];

/** The n-th fictitious name; deterministic, so two seeds of the same size hold the same people. */
export function fictitiousName(n: number): string {
  return `${FIRST_NAMES[n % FIRST_NAMES.length]} ${LAST_NAMES[(n * 7) % LAST_NAMES.length]}`;
}
