import { LeaseFence } from './lease-fence';

describe('LeaseFence', () => {
  let now = 0;
  const renewals: string[][] = [];
  /** The database: this sender still holds a and b; c was taken over. */
  const repository = {
    admitToProvider: async (ids: string[]) => {
      renewals.push(ids);
      return ids.filter((id) => id !== 'c');
    },
  };

  beforeEach(() => {
    now = 0;
    renewals.length = 0;
  });

  it('admits only the deliveries the sender still holds, in one renewal for the chunk', async () => {
    const fence = new LeaseFence(repository, 'me', 20_000, () => now);
    expect([...(await fence.admit(['a', 'b', 'c']))]).toEqual(['a', 'b']);
    expect(renewals).toEqual([['a', 'b', 'c']]);
  });

  it('lets calls start without asking again within the first half of the lease, and renews after it', async () => {
    const fence = new LeaseFence(repository, 'me', 20_000, () => now);
    await fence.admit(['a', 'b']);
    now = 9_999;
    await fence.require('a');
    expect(renewals).toHaveLength(1);
    now = 10_000;
    await fence.require('a');
    expect(renewals).toEqual([['a', 'b'], ['a']]);
  });

  it('takes a claim that admits as the renewal: calls within its window need no statement', async () => {
    const fence = new LeaseFence(repository, 'me', 20_000, () => now);
    now = 5;
    await fence.claimAdmitting(async () => {
      now = 500;
      return [{ id: 'a' }, { id: 'b' }];
    });
    // The window runs from before the claim's statement.
    now = 10_004;
    expect([...(await fence.admit(['a', 'b']))]).toEqual(['a', 'b']);
    expect(renewals).toEqual([]);
    now = 10_005;
    await fence.require('a');
    expect(renewals).toEqual([['a']]);
  });

  it('refuses a delivery that was taken over', async () => {
    await expect(new LeaseFence(repository, 'me', 20_000, () => now).require('c')).rejects.toThrow('taken over');
  });
});
