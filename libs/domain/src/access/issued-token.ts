import type { Principal } from './principal';

/**
 * What POST /v1/auth/token answers on a sign-in: one declaration for the server (libs/accounts)
 * and the console's sign-in page, as delivery/alert-dashboard.ts. Types only, in a pure file the
 * browser bundle imports by path.
 */
export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds. */
  expiresIn: number;
  role: Principal['role'];
  policeZone: string | null;
  bins: string[];
  account: { id: string; username: string; displayName: string };
}
