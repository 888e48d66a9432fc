import { Principal } from './principal';

/**
 * Which alerts a principal may read: those sent to at least one BIN in its scope (the same scope
 * binsOutsideScope checks when issuing). An alert to several zones is seen by each of them.
 */
export type AlertVisibility = { kind: 'all' } | { kind: 'zone'; policeZone: string } | { kind: 'bins'; binIds: string[] };

export function alertVisibility(principal: Principal): AlertVisibility {
  switch (principal.role) {
    case 'admin':
      return { kind: 'all' };
    case 'operator':
    case 'supervisor':
      // A police token without a zone sees nothing rather than everything.
      return principal.policeZone ? { kind: 'zone', policeZone: principal.policeZone } : { kind: 'bins', binIds: [] };
    case 'board':
      return { kind: 'bins', binIds: principal.binIds };
  }
}
