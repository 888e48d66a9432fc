import type { Channel, Language } from '@bin-alert/domain';
import type { MemberRepository, NewMember } from '@bin-alert/persistence';

let sequence = 0;

/** Builds a member in the words of a test: `aMember().inBins('herdersem').withMobile('+32470…')`. */
export class MemberBuilder {
  private readonly member: NewMember;

  constructor(name = `Member ${++sequence}`) {
    this.member = { displayName: name, language: 'nl', memberships: [], contacts: [], preferences: [] };
  }

  speaking(language: Language): this {
    this.member.language = language;
    return this;
  }

  inBins(...binIds: string[]): this {
    this.member.memberships.push(...binIds.map((binId) => ({ binId })));
    return this;
  }

  withMobile(e164: string, verified = true): this {
    this.member.contacts.push({ kind: 'mobile', value: e164, verified });
    return this;
  }

  withPhone(e164: string, verified = true): this {
    this.member.contacts.push({ kind: 'phone', value: e164, verified });
    return this;
  }

  withEmail(address: string, verified = true): this {
    this.member.contacts.push({ kind: 'email', value: address, verified });
    return this;
  }

  choosing(categoryCode: string, channels: Channel[], enabled: boolean): this {
    this.member.preferences!.push(...channels.map((channel) => ({ categoryCode, channel, enabled })));
    return this;
  }

  build(): NewMember {
    return this.member;
  }

  save(repository: MemberRepository): Promise<string> {
    return repository.register(this.member);
  }
}

export const aMember = (name?: string) => new MemberBuilder(name);
