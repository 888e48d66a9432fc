/**
 * The signed-in operator, kept in sessionStorage: it ends with the tab, and another tab signs in
 * on its own. The role and zone are read from the token for display only; the API checks them.
 */
export interface Session {
  token: string;
  role: string;
  zone: string | null;
  username: string;
  expiresAt: number;
}

const KEY = 'bin-alert.session';

interface Claims {
  sub?: string;
  role?: string;
  zone?: string;
  exp?: number;
}

export function claimsOf(token: string): Claims {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(payload)))) as Claims;
  } catch {
    return {};
  }
}

export function sessionFromToken(token: string, username?: string, role?: string, expiresIn?: number): Session {
  const claims = claimsOf(token);
  return {
    token,
    role: role ?? claims.role ?? 'operator',
    zone: claims.zone ?? null,
    username: username ?? claims.sub ?? '',
    expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : claims.exp ? claims.exp * 1000 : Date.now() + 3600_000,
  };
}

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<Session>;
    // A bare token is accepted too (how tests and a pasted token arrive).
    const session = typeof parsed === 'string' ? sessionFromToken(parsed) : parsed.token ? sessionFromToken(parsed.token, parsed.username, parsed.role) : null;
    if (!session || session.expiresAt <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

export const SESSION_STORAGE_KEY = KEY;
