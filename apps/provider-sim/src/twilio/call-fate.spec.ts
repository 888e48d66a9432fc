import { DEFAULT_SIM_CONFIG } from '../config/sim-config';
import { mulberry32 } from '../random/prng';
import { decideCallFate } from './call-fate';

describe('decideCallFate for the magic numbers a redial test needs', () => {
  const rates = DEFAULT_SIM_CONFIG.voice;

  it.each([
    ['+32470991600', 'no-answer'],
    ['+32470991799', 'busy'],
  ] as const)('%s is not reached the first time, and reaches a person who presses 1 when called again', (to, first) => {
    expect(decideCallFate(to, rates, mulberry32(1), 0)).toEqual({ outcome: first, acknowledges: false });
    expect(decideCallFate(to, rates, mulberry32(1), 1)).toEqual({ outcome: 'completed', answeredBy: 'human', acknowledges: true });
    expect(decideCallFate(to, rates, mulberry32(1), 3)).toEqual({ outcome: 'completed', answeredBy: 'human', acknowledges: true });
  });

  it('keeps the always-unanswered number unanswered however often it is called', () => {
    expect(decideCallFate('+32470991000', rates, mulberry32(1), 4)).toEqual({ outcome: 'no-answer', acknowledges: false });
  });
});
