import { type JSX, render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Console, navigate } from './context';
import { UI_LANGUAGES, UiLanguage, nativeLanguageName, formatter, rememberUiLanguage, storedUiLanguage, translator } from './i18n';
import { roleName } from './alert-words';
import { Session, clearSession, loadSession } from './session';
import { SignInPage } from './pages/sign-in';
import { ComposePage } from './pages/compose';
import { AlertListPage } from './pages/alert-list';
import { DashboardPage } from './pages/dashboard';
import { OpsPage } from './pages/ops';
import { HistoryPage, MembershipPage } from './pages/reports';
import './styles.css';

function currentRoute(): string {
  return window.location.hash.replace(/^#/, '') || '/alerts';
}

function App() {
  const [language, setLanguage] = useState<UiLanguage>(storedUiLanguage());
  const [session, setSession] = useState<Session | null>(loadSession());
  const [route, setRoute] = useState(currentRoute());
  const t = useMemo(() => translator(language), [language]);
  const format = useMemo(() => formatter(language), [language]);

  useEffect(() => {
    const onHash = () => {
      setRoute(currentRoute());
      setSession(loadSession());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const signedIn = session !== null;
  const path = signedIn ? route : '/sign-in';
  let page: JSX.Element;
  const alertMatch = /^\/alerts\/([0-9a-f-]{36})$/.exec(path);
  if (!signedIn || path === '/sign-in') page = <SignInPage />;
  else if (path === '/compose') page = <ComposePage />;
  else if (alertMatch) page = <DashboardPage alertId={alertMatch[1]} />;
  else if (path === '/ops') page = <OpsPage />;
  else if (path === '/reports') page = <HistoryPage />;
  else if (path === '/membership') page = <MembershipPage />;
  else page = <AlertListPage />;

  const chooseLanguage = (next: UiLanguage) => {
    rememberUiLanguage(next);
    setLanguage(next);
  };

  return (
    <Console.Provider value={{ t, format, language, session, setSession }}>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is an anchor to #main by convention; the console routes by the hash, so the click moves the focus itself */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('skip')}
      </a>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        {signedIn && (
          <nav aria-label={t('mainMenu')}>
            <a href="#/compose" aria-current={path === '/compose' ? 'page' : undefined}>
              {t('navCompose')}
            </a>
            <a href="#/alerts" aria-current={path === '/alerts' || alertMatch ? 'page' : undefined}>
              {t('navAlerts')}
            </a>
            <a href="#/ops" aria-current={path === '/ops' ? 'page' : undefined}>
              {t('navOps')}
            </a>
            <a href="#/reports" aria-current={path === '/reports' ? 'page' : undefined}>
              {t('navReports')}
            </a>
            <a href="#/membership" aria-current={path === '/membership' ? 'page' : undefined}>
              {t('navMembership')}
            </a>
          </nav>
        )}
        <div class="top-right">
          <label>
            <span class="visually-hidden">{t('language')}</span>
            <select value={language} onChange={(e) => chooseLanguage((e.currentTarget as HTMLSelectElement).value as UiLanguage)}>
              {UI_LANGUAGES.map((l) => (
                <option value={l} lang={l}>
                  {nativeLanguageName(l)}
                </option>
              ))}
            </select>
          </label>
          {session && (
            <>
              <span class="who">{t('signedInAs', { who: session.username, role: roleName(t, session.role), zone: session.zone ?? '—' })}</span>
              <button
                type="button"
                onClick={() => {
                  clearSession();
                  setSession(null);
                  navigate('/sign-in');
                }}
              >
                {t('signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </Console.Provider>
  );
}

render(<App />, document.getElementById('app')!);
