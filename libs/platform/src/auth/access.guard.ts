import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, type Principal, type StaffRole } from '@bin-alert/domain';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig, accessTokenSettingsFrom, oidcSettingsFrom } from '../config/app-config';
import { AccessTokenError } from './access-token';
import { AccessTokenVerifier } from './access-token-verifier';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './access.decorators';

/**
 * Checks a verified principal against the account it names, when this installation keeps one:
 * answers why the token may no longer be used (account disabled, role or scope changed), or null.
 */
export interface AccountStanding {
  refusal(principal: Principal): Promise<string | null>;
}
export const ACCOUNT_STANDING = Symbol('ACCOUNT_STANDING');

/**
 * Every route needs a valid bearer token unless marked @Public(): a new endpoint is protected by
 * default. @Roles() narrows who may call it; scope (zone, BIN) is checked by the handler's service.
 * Tokens are this installation's own, or the configured identity provider's (AccessTokenVerifier).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly verifier: AccessTokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(ACCOUNT_STANDING) private readonly standing?: AccountStanding,
  ) {
    this.verifier = new AccessTokenVerifier(accessTokenSettingsFrom(config), oidcSettingsFrom(config));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new DomainError('auth.token_missing', 'a bearer token is required (Authorization: Bearer …)');
    try {
      request.principal = await this.verifier.verify(match[1]);
      // A signed token outlives changes to its account: disabling one must take effect now.
      const refusal = await this.standing?.refusal(request.principal);
      if (refusal) throw new AccessTokenError(refusal);
    } catch (error) {
      if (error instanceof AccessTokenError) throw new DomainError('auth.token_refused', `access token refused: ${error.message}`);
      throw error;
    }
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(request.principal.role)) {
      throw new DomainError('auth.role_not_allowed', `role ${request.principal.role} may not do this (allowed: ${allowed.join(', ')})`);
    }
    return true;
  }
}
