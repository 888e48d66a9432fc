import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUDIT_ACTIONS, AuditEntry, DomainError, IssuedToken, Principal, RequestOrigin } from '@bin-alert/domain';
import { AuditTrail, StaffAccount, StaffAccountRepository } from '@bin-alert/persistence';
import { APP_CONFIG, AppConfig, LoginThrottle, accessTokenSettingsFrom, addressForLimits, signAccessToken, verifyDecoyPassword, verifyPassword } from '@bin-alert/platform';
import { LoginRequest } from './login.request';

export const LOGIN_THROTTLE = Symbol('LOGIN_THROTTLE');

/** One answer for an unknown username and a wrong password: the answer must not tell them apart. */
export const LOGIN_REFUSED = 'username or password is wrong';

export class TooManyLoginAttempts extends DomainError {
  declare readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('auth.too_many_attempts', `too many sign-in attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/** Signs staff in with their local account: throttled, audited, answered with an access token. */
@Injectable()
export class LoginService {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly audit: AuditTrail,
    private readonly db: DataSource,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(request: LoginRequest, origin: Required<RequestOrigin>): Promise<IssuedToken> {
    const username = request.username.toLowerCase();
    const verdict = await this.throttle.attempt(username, addressForLimits(origin.clientIp));
    if (!verdict.allowed) {
      this.logger.warn({ msg: 'sign-in throttled', clientIp: origin.clientIp, correlationId: origin.correlationId });
      throw new TooManyLoginAttempts(verdict.retryAfterSeconds);
    }
    const found = await this.accounts.findForLogin(username);
    if (!found) {
      await verifyDecoyPassword(request.password);
      await this.record({ actor: null, action: AUDIT_ACTIONS.loginFailed, target: { type: 'account', id: null }, details: { username, reason: 'unknown_username' }, origin });
      throw new DomainError('auth.login_refused', LOGIN_REFUSED);
    }
    const { account, passwordHash } = found;
    if (!(await verifyPassword(passwordHash, request.password))) {
      await this.record(this.failure(account, 'wrong_password', origin));
      throw new DomainError('auth.login_refused', LOGIN_REFUSED);
    }
    // Said only to whoever knows the password: the account exists but may no longer sign in.
    if (account.disabledAt) {
      await this.record(this.failure(account, 'disabled', origin));
      throw new DomainError('account.disabled', 'this account is disabled; ask an admin');
    }
    await this.throttle.succeeded(username);
    const principal: Principal = { accountId: account.id, role: account.role, policeZone: account.policeZone ?? undefined, binIds: account.binIds };
    const settings = accessTokenSettingsFrom(this.config);
    await this.record({ actor: principal, action: AUDIT_ACTIONS.loginSucceeded, target: { type: 'account', id: account.id }, details: { username }, origin });
    return {
      accessToken: signAccessToken(principal, settings),
      tokenType: 'Bearer',
      expiresIn: settings.ttlSeconds,
      role: account.role,
      policeZone: account.policeZone,
      bins: account.binIds,
      account: { id: account.id, username: account.username, displayName: account.displayName },
    };
  }

  private failure(account: StaffAccount, reason: string, origin: Required<RequestOrigin>): AuditEntry {
    return { actor: null, action: AUDIT_ACTIONS.loginFailed, target: { type: 'account', id: account.id }, details: { username: account.username, reason }, origin };
  }

  private record(entry: AuditEntry): Promise<void> {
    return this.audit.record(entry, this.db.manager);
  }
}
