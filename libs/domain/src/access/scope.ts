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

function isInScope(principal: Principal, bin: ScopedBin): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'operator':
    case 'supervisor':
      return principal.policeZone !== undefined && principal.policeZone === bin.policeZone;
    case 'board':
      return principal.binIds.includes(bin.id);
  }
}
