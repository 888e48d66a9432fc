import { useState } from 'preact/hooks';
import { navigate, useConsole } from '../context';
import { saveSession, sessionFromToken } from '../session';
import { ApiError } from '../api';
import { Said, say } from '../alert-words';
import type { IssuedToken } from '../../../../libs/domain/src/access/issued-token';

/**
 * POST /v1/auth/token { username, password } → { accessToken, tokenType, expiresIn, role }. Until a
 * server offers that endpoint (404), an operator can paste a token an administrator issued.
 */
export function SignInPage() {
  const { t, setSession } = useConsole();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Said | null>(null);
  const [offerToken, setOfferToken] = useState(false);

  const start = (accessToken: string, name?: string, role?: string, expiresIn?: number) => {
    const session = sessionFromToken(accessToken, name, role, expiresIn);
    saveSession(session);
    setSession(session);
    navigate('/alerts');
  };

  const signIn = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const response = await fetch('/v1/auth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (response.ok) {
        const answer = (await response.json()) as IssuedToken;
        start(answer.accessToken, username, answer.role, answer.expiresIn);
      } else if (response.status === 404 || response.status === 405) {
        setProblem({ key: 'loginMissing', params: { status: response.status } });
        setOfferToken(true);
      } else if (response.status === 401 || response.status === 400) {
        setProblem({ key: 'badCredentials' });
      } else if (response.status === 429) {
        setProblem({ key: 'tooManyAttempts', params: { seconds: Number(response.headers.get('retry-after')) || 60 } });
      } else {
        setProblem({ failure: new ApiError(response.status, response.statusText) });
      }
    } catch (error) {
      setProblem({ failure: error });
    } finally {
      setBusy(false);
    }
  };

  const useToken = (e: Event) => {
    e.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (value.split('.').length !== 3) return setProblem({ key: 'badToken' });
    start(value);
  };

  return (
    <section class="narrow">
      <h1>{t('signInTitle')}</h1>
      {problem && (
        <p class="problem" role="alert">
          {say(t, problem)}
        </p>
      )}
      <form onSubmit={signIn}>
        <label for="username">{t('username')}</label>
        <input id="username" name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="password">{t('password')}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
      </form>
      <details open={offerToken}>
        <summary>{t('useToken')}</summary>
        <form onSubmit={useToken}>
          <label for="token">{t('token')}</label>
          <textarea id="token" rows={4} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          <button type="submit">{t('useTokenButton')}</button>
        </form>
      </details>
    </section>
  );
}
