import { useEffect, useState } from 'preact/hooks';
import type { AlertDashboard, ChannelName, Funnel, RouteShare } from '../api';
import { FunnelChart, Bar } from '../components/funnel-chart';
import { AlertBadges } from '../components/alert-badges';
import { ApprovalPanel, FollowUpPanel } from '../components/alert-actions';
import { canFollowUp, categoryName, reasonName, shownTextLanguage } from '../alert-words';
import { useConsole } from '../context';
import type { Translate } from '../i18n';
import { LiveState, followDashboard } from '../live-dashboard';
import { DownloadCsv } from '../components/download-csv';

const CHANNELS: ChannelName[] = ['sms', 'email', 'voice'];

function bars(t: Translate, channel: ChannelName, funnel: Funnel): Bar[] {
  const list: Bar[] = [
    { key: 'planned', label: t('planned'), value: funnel.planned, tone: 'plan' },
    { key: 'queued', label: t('queued'), value: funnel.queued, tone: 'progress' },
    { key: 'sent', label: t('sent'), value: funnel.sent, tone: 'progress' },
    { key: 'delivered', label: t('delivered'), value: funnel.delivered, tone: 'good' },
    { key: 'failed', label: t('failed'), value: funnel.failed, tone: 'bad' },
    { key: 'suppressed', label: t('suppressed'), value: funnel.suppressed, tone: 'muted' },
  ];
  if (channel === 'voice') list.splice(4, 0, { key: 'acknowledged', label: t('acknowledged'), value: funnel.acknowledged, tone: 'good' });
  return list;
}

function Reasons(props: { title: string; counts: Record<string, number>; testId: string }) {
  const { t, format } = useConsole();
  const entries = Object.entries(props.counts).sort((a, b) => b[1] - a[1]);
  return (
    <div class="reasons" data-testid={props.testId}>
      <h4>{props.title}</h4>
      {entries.length === 0 ? (
        <p class="hint">{t('none')}</p>
      ) : (
        <table>
          <tbody>
            {entries.map(([reason, n]) => (
              <tr data-reason={reason}>
                <th scope="row" title={reason}>
                  {reasonName(t, reason)}
                </th>
                <td class="num">{format.number(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

const ROUTE_NAMES: Record<string, 'routePrimary' | 'routeSecondary'> = { primary: 'routePrimary', secondary: 'routeSecondary' };

/**
 * Which provider route carried what (ADR 0033). Everything by the primary route is the usual case
 * and says nothing worth a table; once another route carried something, every route is shown.
 */
function Routes(props: { routes: RouteShare[]; testId: string }) {
  const { t, format } = useConsole();
  if (props.routes.every((share) => share.route === 'primary')) return null;
  return (
    <div class="reasons" data-testid={props.testId}>
      <h4>{t('routesTitle')}</h4>
      <table class="routes">
        <thead>
          <tr>
            <th scope="col">{t('routeColumn')}</th>
            <th scope="col">{t('queued')}</th>
            <th scope="col">{t('delivered')}</th>
            <th scope="col">{t('failed')}</th>
          </tr>
        </thead>
        <tbody>
          {props.routes.map((share) => (
            <tr data-route={share.route} data-queued={share.queued} data-delivered={share.delivered} data-failed={share.failed}>
              <th scope="row" title={share.route}>
                {ROUTE_NAMES[share.route] ? t(ROUTE_NAMES[share.route]) : share.route}
              </th>
              <td class="num">{format.number(share.queued)}</td>
              <td class="num">{format.number(share.delivered)}</td>
              <td class="num">{format.number(share.failed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One alert, live: per channel the funnel, times to first and last delivery, reasons. */
export function DashboardPage(props: { alertId: string }) {
  const { t, format, language, session } = useConsole();
  const [dashboard, setDashboard] = useState<AlertDashboard | null>(null);
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => followDashboard(props.alertId, setDashboard, setState), [props.alertId]);

  if (state === 'not-found') return <p class="problem">{t('notFound')}</p>;
  const alert = dashboard?.alert;
  const textLanguage = alert ? shownTextLanguage(alert.texts, language) : undefined;
  const text = textLanguage ? alert!.texts[textLanguage] : undefined;
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">
        {t('dashboardTitle')}{' '}
        <span class={`live-state live-${state}`} role="status" data-testid="live-state">
          {t(state === 'live' ? 'live' : state === 'reconnecting' ? 'reconnecting' : 'connecting')}
        </span>
      </h1>
      {alert && (
        <div class="alert-head">
          <p>
            <AlertBadges status={alert.status} kind={alert.kind} messageType={alert.messageType} urgency={alert.urgency} /> <strong lang={textLanguage}>{text?.title}</strong> ·{' '}
            {categoryName(t, alert.category)} · {alert.redistributionAllowed ? t('shareAllowed') : t('shareForbidden')}
          </p>
          {alert.references && (
            <p>
              {t('followsUp')} <a href={`#/alerts/${alert.references}`}>{t('original')}</a>
            </p>
          )}
          <p class="hint">
            {alert.bins.join(', ')} · {alert.issuedAt ? format.dateTime(alert.issuedAt) : ''} · {alert.id}
          </p>
        </div>
      )}
      {alert?.status === 'awaiting_approval' && <ApprovalPanel key={alert.id} alertId={alert.id} />}
      {dashboard && canFollowUp(dashboard.alert) && (session?.role === 'operator' || session?.role === 'supervisor') && <FollowUpPanel key={alert!.id} dashboard={dashboard} />}
      <div class="channels">
        {CHANNELS.map((channel) => {
          const data = dashboard?.channels[channel];
          return (
            <article
              class="channel"
              data-testid={`channel-${channel}`}
              data-delivered={data?.funnel.delivered ?? 0}
              data-planned={data?.funnel.planned ?? 0}
              data-failed={data?.funnel.failed ?? 0}
              data-in-flight={data?.funnel.inFlight ?? 0}
            >
              <h2>{t(channel)}</h2>
              {!data ? (
                <p class="hint">{t('noDeliveries')}</p>
              ) : (
                <>
                  <FunnelChart bars={bars(t, channel, data.funnel)} title={t(channel)} testId={`funnel-${channel}`} />
                  <p class="hint">{t('failedHint')}</p>
                  <dl class="times">
                    <dt>{t('firstDelivery')}</dt>
                    <dd>{format.duration(data.firstDeliveryMs)}</dd>
                    <dt>{t('lastDelivery')}</dt>
                    <dd>{format.duration(data.lastDeliveryMs)}</dd>
                    <dt>{t('inFlight')}</dt>
                    <dd>{format.number(data.funnel.inFlight)}</dd>
                    {channel !== 'sms' && (
                      <>
                        <dt>{t('fallbacks')}</dt>
                        <dd data-testid={`fallbacks-${channel}`}>{format.number(data.fallbacks)}</dd>
                      </>
                    )}
                  </dl>
                  <Routes routes={data.routes ?? []} testId={`routes-${channel}`} />
                  <Reasons title={t('suppressedReasons')} counts={data.funnel.suppressedByReason} testId={`suppressed-${channel}`} />
                  <Reasons title={t('failureReasons')} counts={data.funnel.failedByReason} testId={`failures-${channel}`} />
                </>
              )}
            </article>
          );
        })}
      </div>
      {alert && <DownloadCsv path={`/v1/reports/alerts/${alert.id}/reach`} hint="downloadReachHint" />}
    </section>
  );
}
