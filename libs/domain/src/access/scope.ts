import { alertVisibility } from './alert-visibility';
import { Principal } from './principal';

export interface ScopedBin {
  id: string;
  policeZone: string;
}

/**
 * The BINs among `bins` the principal may not act on. Police act for their own zone only; a board
 * member for the BINs it sits on; an admin runs the installation and is scoped to everything.
 */
export function binsOutsideScope(principal: Principal, bins: ScopedBin[]): string[] {
  return bins.filter((bin) => !isInScope(principal, bin)).map((bin) => bin.id);
}

/**
 * Whether the principal may see something that concerns these BINs (an alert): it must cover at
 * least one of them. An alert to Herdersem and Moorsel is visible to Herdersem's board.
 */
export function coversAnyBin(principal: Principal, bins: ScopedBin[]): boolean {
  return principal.role === 'admin' || bins.some((bin) => isInScope(principal, bin));
}

/** The scope rule is stated once, in alertVisibility (which the alert list also turns into SQL). */
function isInScope(principal: Principal, bin: ScopedBin): boolean {
  const scope = alertVisibility(principal);
  switch (scope.kind) {
    case 'all':
      return true;
    case 'zone':
      return scope.policeZone === bin.policeZone;
    case 'bins':
      return scope.binIds.includes(bin.id);
  }
}
