import { RecipientBudget } from './recipient-budget';

/** A promise and its resolver, to hold a piece of work open until the test lets it end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

describe('RecipientBudget', () => {
  it('lets work start only while its recipients fit, and the next one once a share is given back', async () => {
    const budget = new RecipientBudget(1000);
    const started: string[] = [];
    const first = gate();
    const a = budget.holding(600, 'normal', async () => {
      started.push('a');
      await first.opened;
    });
    const b = budget.holding(600, 'normal', async () => {
      started.push('b');
    });
    await ticks();
    expect(started).toEqual(['a']);
    expect(budget.taken).toBe(600);
    first.open();
    await Promise.all([a, b]);
    expect(started).toEqual(['a', 'b']);
    expect(budget.taken).toBe(0);
  });

  it('serves a waiting urgent chunk before normal ones that waited longer', async () => {
    const budget = new RecipientBudget(1000);
    const started: string[] = [];
    const held = gate();
    const first = budget.holding(1000, 'normal', () => held.opened);
    const normal = budget.holding(500, 'normal', async () => void started.push('normal'));
    const urgent = budget.holding(500, 'urgent', async () => void started.push('urgent'));
    await ticks();
    expect(started).toEqual([]);
    held.open();
    await Promise.all([first, normal, urgent]);
    expect(started).toEqual(['urgent', 'normal']);
  });

  it('gives the share back when the work fails, and a chunk larger than the budget takes all of it', async () => {
    const budget = new RecipientBudget(1000);
    await expect(budget.holding(400, 'normal', async () => Promise.reject(new Error('SendGrid away')))).rejects.toThrow('SendGrid away');
    expect(budget.taken).toBe(0);
    await expect(budget.holding(5000, 'normal', async () => budget.taken)).resolves.toBe(1000);
  });
});
