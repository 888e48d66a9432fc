import type { BinKind, CategoryRule, Urgency } from '../vocabulary';

/**
 * What GET /v1/bins and GET /v1/categories answer (public: the console's forms and the
 * application form pick from them): one declaration for the server and the console, as
 * lifecycle/alert-answers.ts. Types only, in a pure file the browser bundle imports by path.
 */
export interface BinChoice {
  id: string;
  name: string;
  kind: BinKind;
  policeZone: string;
}

export interface CategoryChoice {
  code: string;
  name: string;
  rule: CategoryRule;
  defaultUrgency: Urgency;
}

export interface BinsAnswer {
  bins: BinChoice[];
}

export interface CategoriesAnswer {
  categories: CategoryChoice[];
}
