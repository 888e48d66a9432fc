import { Injectable, Logger } from '@nestjs/common';
import { AUDIT_ACTIONS, CategoryRule, Channel, DomainError, MEMBER_PAGE_PATHS, Principal, RequestOrigin } from '@bin-alert/domain';
import { PreferenceRepository, ReferenceDataRepository } from '@bin-alert/persistence';
import { FieldProblem, RequestValidationError } from '@bin-alert/platform';
import { Inject } from '@nestjs/common';
import { OUTBOX_RELAY, OutboxRelay } from '@bin-alert/messaging';
import { MemberLinks } from './member-links';
import { PreferenceChangeRequest } from './member-requests';
import { ofMember } from './member-audit';

/**
 * The preference centre behind the signed links, one-click unsubscribe, and the category rules
 * a supervisor switches (the COVID vote).
 */
@Injectable()
export class PreferenceService {
  private readonly logger = new Logger('preferences');

  constructor(
    private readonly preferences: PreferenceRepository,
    private readonly references: ReferenceDataRepository,
    private readonly links: MemberLinks,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  /** Whose preference centre the link opens (403 for a bad or expired link). */
  memberOf(token: string | undefined): string {
    return this.links.verify(token, 'preferences').memberId;
  }

  async show(token: string | undefined) {
    const { memberId } = this.links.verify(token, 'preferences');
    return this.centreWithLinks(memberId);
  }

  async change(token: string | undefined, change: PreferenceChangeRequest, origin: Required<RequestOrigin>) {
    const { memberId } = this.links.verify(token, 'preferences');
    const centre = await this.centreOf(memberId);
    const problems: FieldProblem[] = [];
    (change.choices ?? []).forEach((choice, i) => {
      const category = centre.categories.find((c) => c.code === choice.category);
      if (!category) problems.push({ field: `choices[${i}].category`, code: 'unknown', reason: `unknown category '${choice.category}'` });
      else if (category.rule === 'mandatory' && !choice.enabled)
        problems.push({ field: `choices[${i}].enabled`, reason: `'${choice.category}' is mandatory: it cannot be switched off` });
    });
    if (problems.length > 0) throw new RequestValidationError(problems);
    await this.preferences.change(memberId, change, ofMember(null, AUDIT_ACTIONS.preferencesChanged, memberId, origin, { link: 'preferences', ...change }));
    this.logger.log({ msg: 'preferences changed', memberId, language: change.language, quietHours: change.quietHours !== undefined, choices: change.choices?.length ?? 0 });
    return this.centreWithLinks(memberId);
  }

  /** The campaign's link: the category on every channel the member can be reached on. */
  async subscribe(token: string | undefined, origin: Required<RequestOrigin>) {
    const { memberId, category } = this.links.verify(token, 'subscribe');
    const centre = await this.centreOf(memberId);
    if (!category || !centre.categories.some((c) => c.code === category)) throw new DomainError('category.not_found', `no category '${category}' any more`);
    const channels = centre.contacts.filter((c) => c.verified).map((c) => c.channel);
    const choices = channels.map((channel) => ({ category, channel, enabled: true }));
    await this.preferences.change(memberId, { choices }, ofMember(null, AUDIT_ACTIONS.preferencesChanged, memberId, origin, { link: 'subscribe', choices }));
    this.logger.log({ msg: 'subscribed by link', memberId, category, channels });
    return { category, channels, preferences: this.links.url(MEMBER_PAGE_PATHS.preferences, { purpose: 'preferences', memberId }) };
  }

  /** RFC 8058 one-click: the category off on e-mail, nothing else asked. */
  async unsubscribe(token: string | undefined, origin: Required<RequestOrigin>): Promise<{ category: string; channel: Channel }> {
    const { memberId, category } = this.links.verify(token, 'unsubscribe');
    const centre = await this.centreOf(memberId);
    const found = centre.categories.find((c) => c.code === category);
    if (!category || !found) throw new DomainError('category.not_found', `no category '${category}' any more`);
    // A mandatory category has no List-Unsubscribe; a link to one that became mandatory since changes nothing.
    if (found.rule !== 'mandatory') {
      await this.preferences.change(
        memberId,
        { choices: [{ category, channel: 'email', enabled: false }] },
        ofMember(null, AUDIT_ACTIONS.unsubscribed, memberId, origin, { category, channel: 'email' }),
      );
    }
    this.logger.log({ msg: 'unsubscribed by one click', memberId, category, applied: found.rule !== 'mandatory' });
    return { category, channel: 'email' };
  }

  async switchRule(principal: Principal, code: string, rule: CategoryRule, origin: Required<RequestOrigin>) {
    if (!(await this.references.findCategory(code))) throw new DomainError('category.not_found', `no category '${code}'`);
    const audit = { actor: principal, action: AUDIT_ACTIONS.categoryRuleSwitched, target: { type: 'category', id: code }, origin };
    const { from, campaign } = await this.preferences.switchCategoryRule(code, rule, principal.accountId, audit);
    if (campaign) this.relay.kick();
    this.logger.log({ msg: 'category rule switched', category: code, from, to: rule, by: principal.accountId, campaignId: campaign?.id, invited: campaign?.recipients ?? 0 });
    return { category: code, from, rule, campaign };
  }

  /** The member's centre, or null once they are erased: the member pages read it to speak their language. */
  centre(memberId: string) {
    return this.preferences.centre(memberId);
  }

  private async centreOf(memberId: string) {
    const centre = await this.preferences.centre(memberId);
    if (!centre) throw new DomainError('member.not_found', 'no such member any more');
    return centre;
  }

  private async centreWithLinks(memberId: string) {
    const centre = await this.centreOf(memberId);
    return { ...centre, links: { resign: this.links.url(MEMBER_PAGE_PATHS.resign, { purpose: 'resign', memberId }) } };
  }
}
