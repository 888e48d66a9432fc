import { Principal } from './principal';
import { binsOutsideScope, coversAnyBin } from './scope';

const herdersem = { id: 'herdersem', policeZone: 'aalst' };
const moorsel = { id: 'moorsel', policeZone: 'aalst' };
const elsewhere = { id: 'dendermonde-centrum', policeZone: 'dendermonde' };

function principal(overrides: Partial<Principal>): Principal {
  return { accountId: 'a1', role: 'operator', binIds: [], ...overrides };
}

describe('binsOutsideScope', () => {
  it('lets police act on every BIN of their own zone and on no other', () => {
    const operator = principal({ role: 'operator', policeZone: 'aalst' });
    expect(binsOutsideScope(operator, [herdersem, moorsel])).toEqual([]);
    expect(binsOutsideScope(operator, [herdersem, elsewhere])).toEqual(['dendermonde-centrum']);
    expect(binsOutsideScope(principal({ role: 'supervisor', policeZone: 'dendermonde' }), [herdersem])).toEqual(['herdersem']);
  });

  it('gives police without a zone no BIN at all', () => {
    expect(binsOutsideScope(principal({ role: 'operator' }), [herdersem])).toEqual(['herdersem']);
  });

  it('keeps a board member of Herdersem out of Moorsel', () => {
    const board = principal({ role: 'board', binIds: ['herdersem'] });
    expect(binsOutsideScope(board, [herdersem])).toEqual([]);
    expect(binsOutsideScope(board, [herdersem, moorsel])).toEqual(['moorsel']);
  });

  it('scopes an admin to every BIN', () => {
    expect(binsOutsideScope(principal({ role: 'admin' }), [herdersem, elsewhere])).toEqual([]);
  });
});

describe('coversAnyBin', () => {
  it('shows an alert to whoever covers at least one of its BINs', () => {
    const board = principal({ role: 'board', binIds: ['herdersem'] });
    expect(coversAnyBin(board, [herdersem, moorsel])).toBe(true);
    expect(coversAnyBin(board, [moorsel])).toBe(false);
    expect(coversAnyBin(principal({ role: 'operator', policeZone: 'dendermonde' }), [herdersem])).toBe(false);
    expect(coversAnyBin(principal({ role: 'supervisor', policeZone: 'aalst' }), [moorsel])).toBe(true);
    expect(coversAnyBin(principal({ role: 'admin' }), [elsewhere])).toBe(true);
  });

  it('shows an alert without BINs to nobody but an admin', () => {
    expect(coversAnyBin(principal({ role: 'operator', policeZone: 'aalst' }), [])).toBe(false);
    expect(coversAnyBin(principal({ role: 'admin' }), [])).toBe(true);
  });
});
