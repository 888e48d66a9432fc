import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { Said, groupStateName, say } from '../alert-words';
import { useConsole } from '../context';
import type { OpsStatus } from '../../../../libs/domain/src/delivery/ops-status';

const REFRESH_MS = 5000;

/** Consumer lag per group, dead letters, provider rate limits; asked again every few seconds. */
export function OpsPage() {
  const { t, format } = useConsole();
  const [status, setStatus] = useState<OpsStatus | null>(null);
  const [problem, setProblem] = useState<Said | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await api<OpsStatus>('/v1/ops');
        if (stopped) return;
        setStatus(next);
        setProblem(null);
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && error.status === 403) return setProblem({ key: 'forbidden' });
        setProblem({ failure: error });
      }
      if (!stopped) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">{t('opsTitle')}</h1>
      {problem && (
        <p class="problem" role="alert">
          {say(t, problem)}
        </p>
      )}
      {!status ? (
        !problem && <p>{t('loading')}</p>
      ) : (
        <>
          <p class="hint">{t('updated', { time: format.time(status.readAt) })}</p>
          <h2>{t('consumerGroups')}</h2>
          <table data-testid="consumer-groups">
            <thead>
              <tr>
                <th scope="col">{t('group')}</th>
                <th scope="col">{t('state')}</th>
                <th scope="col">{t('members')}</th>
                <th scope="col">{t('topic')}</th>
                <th scope="col">{t('lag')}</th>
              </tr>
            </thead>
            <tbody>
              {status.consumerGroups.flatMap((g) =>
                (g.topics.length > 0 ? g.topics : [{ topic: '—', lag: 0 }]).map((topic, i) => (
                  <tr>
                    <td>{i === 0 ? g.groupId : ''}</td>
                    <td>{i === 0 ? groupStateName(t, g.state) : ''}</td>
                    <td class="num">{i === 0 ? format.number(g.members) : ''}</td>
                    <td>{topic.topic}</td>
                    <td class={`num${topic.lag > 0 ? ' bad' : ''}`}>{format.number(topic.lag)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          <h2>{t('deadLetters')}</h2>
          <p data-testid="dead-letters">
            {status.deadLetters.topic}: <strong class={status.deadLetters.records > 0 ? 'bad' : ''}>{format.number(status.deadLetters.records)}</strong>
          </p>
          <h2>{t('rateLimits')}</h2>
          {status.rateLimits.length === 0 ? (
            <p class="hint">{t('noBuckets')}</p>
          ) : (
            <table data-testid="rate-limits">
              <thead>
                <tr>
                  <th scope="col">{t('limit')}</th>
                  <th scope="col">{t('perSecond')}</th>
                  <th scope="col">{t('tokens')}</th>
                  <th scope="col">{t('throttled')}</th>
                </tr>
              </thead>
              <tbody>
                {status.rateLimits.map((r) => (
                  <tr>
                    <td>{r.name}</td>
                    <td class="num">{format.number(r.perSecond)}</td>
                    <td class="num">
                      {format.number(r.tokens)} / {format.number(r.burst)}
                    </td>
                    <td>{r.throttledUntil ? format.time(r.throttledUntil) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
