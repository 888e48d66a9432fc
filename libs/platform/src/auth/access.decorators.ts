import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Principal, StaffRole } from '@bin-alert/domain';

export const PUBLIC_ROUTE = 'bin-alert:public-route';
export const ALLOWED_ROLES = 'bin-alert:allowed-roles';

/** Reachable without a token: health, metrics, public forms, reference data, signed links. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the handler (or every handler of the controller). */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ALLOWED_ROLES, roles);

/** The verified caller of a protected handler. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
