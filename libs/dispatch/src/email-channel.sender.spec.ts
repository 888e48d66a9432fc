import { spreadSharedAddresses } from './email-channel.sender';

const delivery = (id: string, to: string) => ({ id, memberId: id, language: 'nl' as const, to, inDoubtSince: null });

describe('spreadSharedAddresses', () => {
  it('keeps everyone in one round when no address is shared', () => {
    const rounds = spreadSharedAddresses([delivery('1', 'a@x.be'), delivery('2', 'b@x.be')]);
    expect(rounds.map((r) => r.map((d) => d.id))).toEqual([['1', '2']]);
  });

  it('puts a second delivery to the same address (any case) in a later request', () => {
    const rounds = spreadSharedAddresses([delivery('1', 'home@x.be'), delivery('2', 'b@x.be'), delivery('3', 'HOME@x.be'), delivery('4', 'home@x.be')]);
    expect(rounds.map((r) => r.map((d) => d.id))).toEqual([['1', '2'], ['3'], ['4']]);
  });
});
