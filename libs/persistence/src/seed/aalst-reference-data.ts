import { BinKind, CategoryRule, Urgency } from '@bin-alert/domain';

/** The 14 BINs of police zone Aalst present at the meeting of 3 February 2022 (seed report). */
export const AALST_BINS: ReadonlyArray<{ id: string; name: string; kind: BinKind }> = [
  { id: 'gijzegem', name: 'BIN Gijzegem', kind: 'BIN' },
  { id: 'hofstade', name: 'BIN Hofstade', kind: 'BIN' },
  { id: 'dender-noord', name: 'BIN Dender Noord', kind: 'BIN' },
  { id: 'erembodegem', name: 'BIN Erembodegem', kind: 'BIN' },
  { id: 'meldert', name: 'BIN Meldert', kind: 'BIN' },
  { id: 'e40', name: 'BIN E40', kind: 'BIN' },
  { id: 'nieuwerkerken', name: 'BIN Nieuwerkerken', kind: 'BIN' },
  { id: 'kloosterpark', name: 'BIN Kloosterpark', kind: 'BIN' },
  { id: 'arend', name: 'BIN Arend', kind: 'BIN' },
  { id: 'mijlbeek', name: 'BIN Mijlbeek', kind: 'BIN' },
  { id: 'watertoren', name: 'BIN Watertoren', kind: 'BIN' },
  { id: 'herdersem', name: 'BIN Herdersem', kind: 'BIN' },
  { id: 'moorsel', name: 'BIN Moorsel', kind: 'BIN' },
  { id: 'aalst-zuid', name: 'BINZ Aalst Zuid', kind: 'BINZ' },
];

/** COVID is opt-in since the boards voted against receiving it by default. */
export const CATEGORIES: ReadonlyArray<{ code: string; name: string; rule: CategoryRule; defaultUrgency: Urgency }> = [
  { code: 'missing_person', name: 'Vermissing / Disparition', rule: 'mandatory', defaultUrgency: 'urgent' },
  { code: 'burglary', name: 'Inbraak / Cambriolage', rule: 'opt_out', defaultUrgency: 'normal' },
  { code: 'prevention', name: 'Preventie / Prévention', rule: 'opt_out', defaultUrgency: 'normal' },
  { code: 'general', name: 'Algemeen / Général', rule: 'opt_out', defaultUrgency: 'normal' },
  { code: 'covid', name: 'COVID-19', rule: 'opt_in', defaultUrgency: 'normal' },
];
