import { pauseAfterLook } from './measurements';

describe("the bench's looks at the deliveries", () => {
  it('pause at their floor while a look is quick', () => {
    expect(pauseAfterLook(40, 2000)).toBe(2000);
    expect(pauseAfterLook(3, 50)).toBe(50);
  });

  it('pause ten looks when a look is slow, so counting rows takes a tenth of a core at most', () => {
    expect(pauseAfterLook(1900, 2000)).toBe(19_000);
    expect(pauseAfterLook(300, 50)).toBe(3000);
  });
});
