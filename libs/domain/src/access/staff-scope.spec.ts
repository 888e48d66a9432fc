import { staffScopeProblems } from './staff-scope';

describe('staffScopeProblems', () => {
  it('accepts each role with the scope it needs', () => {
    expect(staffScopeProblems({ role: 'operator', policeZone: 'aalst', binIds: [] })).toEqual([]);
    expect(staffScopeProblems({ role: 'supervisor', policeZone: 'aalst', binIds: [] })).toEqual([]);
    expect(staffScopeProblems({ role: 'board', binIds: ['herdersem'] })).toEqual([]);
    expect(staffScopeProblems({ role: 'admin', policeZone: null, binIds: [] })).toEqual([]);
  });

  it('names the field that does not fit the role, and what is wrong with it', () => {
    expect(staffScopeProblems({ role: 'operator', binIds: [] })).toEqual([{ field: 'policeZone', code: 'required', reason: 'required for role operator' }]);
    expect(staffScopeProblems({ role: 'supervisor', policeZone: 'aalst', binIds: ['moorsel'] })).toEqual([
      { field: 'bins', code: 'not_expected', reason: 'not allowed for role supervisor (police act for their whole zone)' },
    ]);
    expect(staffScopeProblems({ role: 'board', policeZone: 'aalst', binIds: [] })).toEqual([
      { field: 'bins', code: 'too_small', reason: 'at least one BIN for role board' },
      { field: 'policeZone', code: 'not_expected', reason: 'not allowed for role board' },
    ]);
    expect(staffScopeProblems({ role: 'admin', policeZone: 'aalst', binIds: ['moorsel'] }).map((p) => p.field)).toEqual(['policeZone', 'bins']);
  });
});
