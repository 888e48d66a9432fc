import { placedCallOf } from './placed-call';

describe('placedCallOf: which call an in-doubt voice delivery placed', () => {
  const recorded = (...sids: string[]) => new Set(sids);

  it('takes the one call nothing else can claim', () => {
    expect(placedCallOf({ candidates: ['CA1'], recorded: recorded(), othersUnsettled: 0 })).toEqual({ call: 'placed', sid: 'CA1' });
  });

  it('does not take a call recorded on another delivery: the normal alert’s call is not the urgent one’s', () => {
    expect(placedCallOf({ candidates: ['CA-normal'], recorded: recorded('CA-normal'), othersUnsettled: 0 })).toEqual({ call: 'not_placed' });
  });

  it('takes the unclaimed one when the others are recorded', () => {
    expect(placedCallOf({ candidates: ['CA-urgent', 'CA-normal'], recorded: recorded('CA-normal'), othersUnsettled: 0 })).toEqual({ call: 'placed', sid: 'CA-urgent' });
  });

  it('finds nothing when no call was placed', () => {
    expect(placedCallOf({ candidates: [], recorded: recorded(), othersUnsettled: 2 })).toEqual({ call: 'not_placed' });
  });

  it('cannot tell when another delivery to the number is unsettled too', () => {
    expect(placedCallOf({ candidates: ['CA1'], recorded: recorded(), othersUnsettled: 1 })).toEqual({ call: 'ambiguous', unclaimed: 1, othersUnsettled: 1 });
  });

  it('cannot tell between several unclaimed calls', () => {
    expect(placedCallOf({ candidates: ['CA1', 'CA2', 'CA3'], recorded: recorded('CA3'), othersUnsettled: 0 })).toEqual({ call: 'ambiguous', unclaimed: 2, othersUnsettled: 0 });
  });

  it('counts a call listed twice once', () => {
    expect(placedCallOf({ candidates: ['CA1', 'CA1'], recorded: recorded(), othersUnsettled: 0 })).toEqual({ call: 'placed', sid: 'CA1' });
  });
});
