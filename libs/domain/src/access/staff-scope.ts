import type { FieldProblem } from '../errors/domain-error';
import { StaffRole } from '../vocabulary';

export interface StaffScope {
  role: StaffRole;
  policeZone?: string | null;
  binIds: string[];
}

export interface ScopeProblem extends FieldProblem {
  field: 'policeZone' | 'bins';
}

/**
 * What a staff account's scope must look like for its role: police act for exactly one zone and no
 * BIN list; a board member sits on at least one BIN and has no zone; an admin has neither, since
 * it is scoped to everything and a stray zone would only mislead.
 */
export function staffScopeProblems(scope: StaffScope): ScopeProblem[] {
  const problems: ScopeProblem[] = [];
  const hasZone = Boolean(scope.policeZone);
  switch (scope.role) {
    case 'operator':
    case 'supervisor':
      if (!hasZone) problems.push({ field: 'policeZone', code: 'required', reason: `required for role ${scope.role}` });
      if (scope.binIds.length > 0) problems.push({ field: 'bins', code: 'not_expected', reason: `not allowed for role ${scope.role} (police act for their whole zone)` });
      break;
    case 'board':
      if (scope.binIds.length === 0) problems.push({ field: 'bins', code: 'too_small', reason: 'at least one BIN for role board' });
      if (hasZone) problems.push({ field: 'policeZone', code: 'not_expected', reason: 'not allowed for role board' });
      break;
    case 'admin':
      if (hasZone) problems.push({ field: 'policeZone', code: 'not_expected', reason: 'not allowed for role admin' });
      if (scope.binIds.length > 0) problems.push({ field: 'bins', code: 'not_expected', reason: 'not allowed for role admin' });
      break;
  }
  return problems;
}
