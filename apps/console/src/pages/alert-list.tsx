import { useEffect, useState } from 'preact/hooks';
import { AlertListAnswer, AlertListItem, api } from '../api';
import { useConsole } from '../context';
import { AlertBadges } from '../components/alert-badges';
import { Said, categoryName, say } from '../alert-words';
import { UNSUCCESSFUL_DELIVERY_STATUSES } from '../../../../libs/domain/src/delivery/delivery-funnel';

const REFRESH_MS = 10_000;

/** The caller's zone's alerts, newest first, refreshed while open; older pages on demand. */
export function AlertListPage() {
  const { t, format, session } = useConsole();
  const [alerts, setAlerts] = useState<AlertListItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState<Said | null>(null);
  const [older, setOlder] = useState<AlertListItem[]>([]);
  const [awaiting, setAwaiting] = useState<AlertListItem[]>([]);
  const supervising = session?.role === 'supervisor';

  useEffect(() => {
    let stopped = false;
    const load = () =>
      Promise.all([
        api<AlertListAnswer>('/v1/alerts?limit=20'),
        // A supervisor's queue: every alert of the zone waiting for a second person, however old.
        supervising ? api<AlertListAnswer>('/v1/alerts?limit=100&state=awaiting_approval') : Promise.resolve({ alerts: [] }),
      ])
        .then(([page, waiting]) => {
          if (stopped) return;
          setAlerts(page.alerts);
          setAwaiting(waiting.alerts);
          setNext((current) => current ?? page.next);
        })
        .catch((error: unknown) => setProblem({ failure: error }));
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const loadOlder = async () => {
    if (!next) return;
    const page = await api<AlertListAnswer>(`/v1/alerts?limit=20&before=${encodeURIComponent(next)}`);
    setOlder([...older, ...page.alerts]);
    setNext(page.next);
  };

  const rows = [...(alerts ?? []), ...older];
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">{t('alertsTitle')}</h1>
      {supervising && alerts !== null && (
        <section class="awaiting" aria-labelledby="awaiting-title" data-testid="awaiting-approval">
          <h2 id="awaiting-title">{t('awaitingTitle')}</h2>
          {awaiting.length === 0 ? (
            <p class="hint">{t('awaitingNone')}</p>
          ) : (
            <ul>
              {awaiting.map((a) => (
                <li>
                  <AlertBadges status={a.status} kind={a.kind} messageType={a.messageType} urgency={a.urgency} /> <a href={`#/alerts/${a.id}`}>{a.title ?? a.id}</a>{' '}
                  <span class="hint">{a.bins.join(', ')}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {problem && (
        <p class="problem" role="alert">
          {say(t, problem)}
        </p>
      )}
      {alerts === null ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('noAlerts')}</p>
      ) : (
        <table class="alerts">
          <thead>
            <tr>
              <th scope="col">{t('issued')}</th>
              <th scope="col">{t('what')}</th>
              <th scope="col">{t('binsLegend')}</th>
              {(['sms', 'email', 'voice'] as const).map((c) => (
                <th scope="col">
                  {t(c)} <span class="hint">{t('channels')}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr data-alert-id={a.id} data-status={a.status} data-kind={a.kind} data-message-type={a.messageType}>
                <td>{a.issuedAt ? format.dateTime(a.issuedAt) : '—'}</td>
                <td>
                  <AlertBadges status={a.status} kind={a.kind} messageType={a.messageType} urgency={a.urgency} /> <a href={`#/alerts/${a.id}`}>{a.title ?? a.id}</a>
                  <div class="hint">{categoryName(t, a.category)}</div>
                </td>
                <td>{a.bins.join(', ')}</td>
                {(['sms', 'email', 'voice'] as const).map((c) => {
                  const counts = a.channels[c] ?? {};
                  const total = Object.entries(counts).reduce((s, [status, n]) => (status === 'suppressed' ? s : s + n), 0);
                  const failed = UNSUCCESSFUL_DELIVERY_STATUSES.reduce((s, status) => s + (counts[status] ?? 0), 0);
                  return (
                    <td class="num">
                      {format.number(counts.delivered ?? 0)} / {format.number(total)}
                      {failed > 0 && (
                        <span class="bad">
                          {' '}
                          · {format.number(failed)} {t('failedShort')}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={() => void loadOlder()}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
