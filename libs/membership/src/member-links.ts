import { Inject, Injectable } from '@nestjs/common';
import { DomainError, LinkClaims, LinkPurpose, LinkSigner, LinkVerdict } from '@bin-alert/domain';
import { APP_CONFIG, AppConfig, memberLinkSecretFrom } from '@bin-alert/platform';

export const MEMBER_CLOCK = Symbol('MEMBER_CLOCK');

/** Checks the signed links members follow; a refused link says why (expired, forged…). */
@Injectable()
export class MemberLinks {
  readonly signer: LinkSigner;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEMBER_CLOCK) readonly clock: () => Date,
  ) {
    this.signer = new LinkSigner(memberLinkSecretFrom(config));
  }

  /** The verdict itself, for a page that tells a person why their link opened nothing. */
  check(token: string | undefined, purpose: LinkPurpose): LinkVerdict {
    return this.signer.verify(token, purpose, this.clock());
  }

  verify(token: string | undefined, purpose: LinkPurpose): LinkClaims {
    const verdict = this.check(token, purpose);
    if (!verdict.ok) throw new DomainError('member.link_refused', `link refused: ${verdict.reason.replace('_', ' ')}`);
    return verdict.claims;
  }

  url(path: string, claims: Omit<LinkClaims, 'expiresAt'>): string {
    return `${this.config.MEMBER_LINKS_BASE_URL}${this.href(path, claims)}`;
  }

  /** The same link relative to this origin, for one member page linking to another. */
  href(path: string, claims: Omit<LinkClaims, 'expiresAt'>): string {
    return `${path}?token=${encodeURIComponent(this.signer.sign(claims, this.clock()))}`;
  }
}
