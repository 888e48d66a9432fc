import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal, StaffRole } from '@bin-alert/domain';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig, accessTokenSettingsFrom } from '../config/app-config';
import { AccessTokenError, verifyAccessToken } from './access-token';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './access.decorators';

/**
 * Every route needs a valid bearer token unless marked @Public(): a new endpoint is protected by
 * default. @Roles() narrows who may call it; scope (zone, BIN) is checked by the handler's service.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('a bearer token is required (Authorization: Bearer …)');
    try {
      request.principal = verifyAccessToken(match[1], accessTokenSettingsFrom(this.config));
    } catch (error) {
      if (error instanceof AccessTokenError) throw new UnauthorizedException(`access token refused: ${error.message}`);
      throw error;
    }
    const allowed = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(request.principal.role)) {
      throw new ForbiddenException(`role ${request.principal.role} may not do this (allowed: ${allowed.join(', ')})`);
    }
    return true;
  }
}
