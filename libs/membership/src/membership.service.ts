import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AUDIT_ACTIONS,
  AuditEntry,
  DomainError,
  Language,
  Principal,
  RequestOrigin,
  Resigner,
  binsOutsideScope,
  canApprove,
  canRefuse,
  canResign,
  checkVerificationCode,
} from '@bin-alert/domain';
import { CodedContactKind, ContactProgress, MembershipRepository, ReferenceDataRepository } from '@bin-alert/persistence';
import { APP_CONFIG, AppConfig, RequestValidationError, STORES, Stores, memberLinkSecretFrom } from '@bin-alert/platform';
import { OUTBOX_RELAY, OutboxRelay } from '@bin-alert/messaging';
import { MemberLinks } from './member-links';
import { ofMember } from './member-audit';
import { MembershipApplicationRequest } from './member-requests';

const HOUR_SECONDS = 3600;

/**
 * The membership lifecycle as the seed describes it (ADR 0011): a public application, the
 * applicant confirms their contacts, a board member of the BIN approves; members resign by a
 * signed link or through their board, board members through the police.
 * Log lines name members by id only: names, numbers and addresses never reach the log.
 * Every change is audited (issue 4 item 7) in the repository's transaction; the public's own
 * steps (applying, confirming, resigning by link) have no actor, and their details name no contact.
 */
@Injectable()
export class MembershipService {
  private readonly logger = new Logger('membership');

  constructor(
    private readonly memberships: MembershipRepository,
    private readonly references: ReferenceDataRepository,
    private readonly links: MemberLinks,
    @Inject(STORES) private readonly stores: Stores,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
  ) {}

  /**
   * Counts a public request (an application, a code or link that costs an SMS or an e-mail)
   * against the client's hourly allowance, then against the hour's ceiling for all addresses
   * together; 429 with Retry-After beyond either. `clientAddress` is what `addressForLimits` gives.
   */
  async admitPublicRequest(kind: 'applications' | 'messages', clientAddress: string): Promise<void> {
    const window = Math.floor(Date.now() / 1000 / HOUR_SECONDS);
    const retryAfter = () => (window + 1) * HOUR_SECONDS - Math.floor(Date.now() / 1000);
    const [{ count }] = await this.stores.windows.hit([`bin:rate:${kind}:${window}:${clientAddress}`], HOUR_SECONDS);
    if (count > this.config.APPLICATIONS_PER_IP_PER_HOUR) throw new TooManyRequests(retryAfter(), 'address');
    // Counted only once the address is within its own allowance: one address that keeps on
    // asking spends its own allowance, not everyone's.
    const [{ count: total }] = await this.stores.windows.hit([`bin:rate:${kind}:${window}:all`], HOUR_SECONDS);
    if (total > this.config.APPLICATIONS_PER_HOUR) {
      if (total === this.config.APPLICATIONS_PER_HOUR + 1)
        this.logger.warn({ msg: 'public requests reached the hourly ceiling for all addresses', kind, ceiling: this.config.APPLICATIONS_PER_HOUR });
      throw new TooManyRequests(retryAfter(), 'everyone');
    }
  }

  async apply(request: MembershipApplicationRequest, origin: Required<RequestOrigin>): Promise<{ memberId: string }> {
    const unknown = await this.references.unknownBinIds(request.bins);
    if (unknown.length > 0) throw new RequestValidationError(unknown.map((id) => ({ field: `bins[${request.bins.indexOf(id)}]`, code: 'unknown', reason: `unknown BIN '${id}'` })));
    const given = [request.email && 'email', request.mobile && 'mobile', request.phone && 'phone'].filter(Boolean);
    const { memberId } = await this.memberships.apply(
      {
        displayName: request.name,
        language: request.language,
        binIds: request.bins,
        email: request.email,
        mobile: request.mobile,
        phone: request.phone,
        consentAt: this.links.clock(),
      },
      { actor: null, action: AUDIT_ACTIONS.membershipApplied, details: { bins: request.bins, language: request.language, given }, origin },
    );
    this.relay.kick();
    this.logger.log({ msg: 'membership applied', memberId, bins: request.bins, email: Boolean(request.email), mobile: Boolean(request.mobile), phone: Boolean(request.phone) });
    return { memberId };
  }

  async sendPreferencesLink(email: string): Promise<void> {
    const planned = await this.memberships.planPreferencesLink(email);
    if (planned > 0) this.relay.kick();
    this.logger.log({ msg: 'preferences link asked', sent: planned });
  }

  async confirmEmail(token: string | undefined, origin: Required<RequestOrigin>): Promise<{ memberId: string }> {
    const claims = this.links.verify(token, 'confirm_email');
    const audit = ofMember(null, AUDIT_ACTIONS.emailConfirmed, claims.memberId, origin);
    if (!claims.contactId || !(await this.memberships.confirmContact(claims.memberId, claims.contactId, 'email', audit)))
      throw new DomainError('contact.not_found', 'no such e-mail address to confirm any more');
    this.logger.log({ msg: 'e-mail confirmed', memberId: claims.memberId });
    return { memberId: claims.memberId };
  }

  /** The code the SMS (mobile) or the call (phone) gave: the same rules, attempts and expiry for both. */
  async confirmCode(memberId: string, kind: CodedContactKind, code: string, origin: Required<RequestOrigin>): Promise<void> {
    const stored = await this.memberships.takeCodeAttempt(memberId, kind);
    if (!stored) throw new DomainError('contact.not_found', `no ${CODE_CARRIER[kind]} code is waiting for confirmation for this member`);
    const verdict = checkVerificationCode(stored, code, memberLinkSecretFrom(this.config), this.links.clock());
    if (verdict !== 'confirmed') {
      this.logger.log({ msg: 'code refused', kind, memberId, verdict });
      if (verdict === 'wrong_code') throw new RequestValidationError([{ field: 'code', code: 'wrong_code', reason: 'wrong code' }]);
      throw new CodeRefused(verdict);
    }
    const action = kind === 'mobile' ? AUDIT_ACTIONS.mobileConfirmed : AUDIT_ACTIONS.phoneConfirmed;
    await this.memberships.confirmContact(memberId, stored.contactId, kind, ofMember(null, action, memberId, origin));
    this.logger.log({ msg: `${kind} confirmed`, memberId });
  }

  async resendCode(memberId: string, kind: CodedContactKind): Promise<void> {
    const planned = await this.memberships.planCode(memberId, kind);
    if (!planned) throw new DomainError('contact.not_found', `no unconfirmed ${kind === 'mobile' ? 'mobile' : 'phone'} number for this member`);
    this.relay.kick();
  }

  /** A new phone for calls in place of the member's previous one; a call brings the code that confirms it. */
  async replacePhone(memberId: string, phone: string, origin: Required<RequestOrigin>): Promise<void> {
    const replaced = await this.memberships.replacePhone(memberId, phone, ofMember(null, AUDIT_ACTIONS.phoneChanged, memberId, origin));
    if (!replaced) throw new DomainError('member.not_found', 'no such member any more');
    this.relay.kick();
    this.logger.log({ msg: 'phone for calls given', memberId });
  }

  async listMembers(principal: Principal, binId: string, status?: string) {
    await this.assertScope(principal, binId);
    return this.memberships.list([binId], status as never);
  }

  async decide(principal: Principal, binId: string, memberId: string, decision: 'approve' | 'refuse', origin: Required<RequestOrigin>): Promise<void> {
    await this.assertScope(principal, binId);
    const membership = await this.memberships.find(memberId, binId);
    if (!membership) throw new DomainError('membership.not_found', `no membership of ${memberId} in ${binId}`);
    const verdict = decision === 'approve' ? canApprove(membership, membership.contacts) : canRefuse(membership);
    if (!verdict.ok) throw new DomainError(verdict.code, verdict.reason);
    const audit = ofMember(principal, decision === 'approve' ? AUDIT_ACTIONS.membershipApproved : AUDIT_ACTIONS.membershipRefused, memberId, origin, { bin: binId });
    if (!(await this.memberships.decide(memberId, binId, decision === 'approve' ? 'active' : 'refused', principal.accountId, audit)))
      throw new DomainError('membership.decided_meanwhile', 'the application was decided meanwhile');
    this.logger.log({ msg: `membership ${decision === 'approve' ? 'approved' : 'refused'}`, memberId, binId, by: principal.accountId });
  }

  /** A board member of the BIN ends a member's membership; the police (of the zone) a board member's too. */
  async resignByStaff(principal: Principal, binId: string, memberId: string, origin: Required<RequestOrigin>) {
    await this.assertScope(principal, binId);
    const membership = await this.memberships.find(memberId, binId);
    if (!membership) throw new DomainError('membership.not_found', `no membership of ${memberId} in ${binId}`);
    const by: Resigner = principal.role === 'board' ? 'board' : 'police';
    const verdict = canResign(membership, by);
    if (!verdict.ok) throw new DomainError(verdict.code, verdict.reason);
    const result = await this.memberships.resign(memberId, [binId], principal.accountId, ofMember(principal, AUDIT_ACTIONS.membershipResigned, memberId, origin, { by }));
    this.logger.log({ msg: 'membership resigned', memberId, binId, by: principal.accountId, erased: result.erased, interiorNotifications: result.interiorNotifications });
    return result;
  }

  /** The member leaves every BIN through their signed link; a board member still goes through the police. */
  async resignSelf(token: string | undefined, origin: Required<RequestOrigin>) {
    const { memberId } = this.links.verify(token, 'resign');
    const all = await this.memberships.membershipsOf(memberId);
    const open = all.filter((m) => m.status === 'active' || m.status === 'applied');
    if (open.length === 0) throw new DomainError('membership.not_found', 'no membership left to end');
    const board = open.filter((m) => m.role === 'board');
    if (board.length > 0)
      throw new DomainError('membership.board_resigns_through_police', `a board member resigns through the police of the zone (${board.map((m) => m.binId).join(', ')})`);
    const result = await this.memberships.resign(
      memberId,
      open.map((m) => m.binId),
      'self',
      ofMember(null, AUDIT_ACTIONS.membershipResigned, memberId, origin, { by: 'self' }),
    );
    this.logger.log({ msg: 'membership resigned', memberId, bins: result.resigned, by: 'self', erased: result.erased });
    return result;
  }

  /**
   * Where an application stands, for the applicant's own page: which contacts are confirmed and
   * whether a board has approved. Names no contact. Null for an unknown or erased member.
   */
  async applicationProgress(memberId: string): Promise<{ language: Language; email: ContactProgress; mobile: ContactProgress; phone: ContactProgress; active: boolean } | null> {
    const [member, memberships] = await Promise.all([this.memberships.contactProgress(memberId), this.memberships.membershipsOf(memberId)]);
    if (!member) return null;
    return { ...member, active: memberships.some((m) => m.status === 'active') };
  }

  /** The BINs a member would leave by their resignation link (every open membership), by name. */
  async openBinNames(memberId: string): Promise<{ bins: string[]; board: boolean }> {
    const open = (await this.memberships.membershipsOf(memberId)).filter((m) => m.status === 'active' || m.status === 'applied');
    const bins = await this.references.findBins(open.map((m) => m.binId));
    return { bins: bins.map((b) => b.name), board: open.some((m) => m.role === 'board') };
  }

  async interiorNotifications(principal: Principal, unsentOnly: boolean) {
    return this.memberships.interiorNotifications(principal.role === 'admin' ? null : (principal.policeZone ?? ''), unsentOnly);
  }

  async markInteriorNotificationSent(principal: Principal, id: string, origin: Required<RequestOrigin>): Promise<void> {
    const audit: AuditEntry = { actor: principal, action: AUDIT_ACTIONS.interiorNotificationSent, target: { type: 'interior_notification', id }, origin };
    if (!(await this.memberships.markInteriorNotificationSent(id, principal.role === 'admin' ? null : (principal.policeZone ?? ''), principal.accountId, audit))) {
      throw new DomainError('notification.not_found', `no unsent notification ${id} in your zone`);
    }
  }

  private async assertScope(principal: Principal, binId: string): Promise<void> {
    const bins = await this.references.findBins([binId]);
    if (bins.length === 0) throw new DomainError('bin.not_found', `no BIN '${binId}'`);
    const outside = binsOutsideScope(principal, bins);
    if (outside.length > 0) throw new DomainError('bin.outside_scope', `not your BIN: ${outside.join(', ')}`);
  }
}

const CODE_CARRIER: Record<CodedContactKind, string> = { mobile: 'SMS', phone: 'call' };

/** A code that can no longer confirm anything: a new one has to be asked for. */
export class CodeRefused extends DomainError {
  constructor(readonly verdict: 'expired' | 'too_many_attempts') {
    super('contact.code_refused', verdict === 'expired' ? 'the code expired; ask for a new one' : 'too many attempts; ask for a new code');
  }
}

export class TooManyRequests extends DomainError {
  declare readonly retryAfterSeconds: number;

  constructor(
    retryAfterSeconds: number,
    /** Whose allowance ran out: this client's, or the hour's for all addresses together. */
    readonly exhausted: 'address' | 'everyone',
  ) {
    super(
      'member.too_many_requests',
      `too many requests ${exhausted === 'address' ? 'from this address' : 'from all addresses together this hour'}; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
}
