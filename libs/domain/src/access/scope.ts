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
