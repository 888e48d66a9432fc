import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { liveCountersKey } from '@bin-alert/contracts';
import { AlertDashboard, CHANNELS, Channel, ChannelDashboard, DomainError, Principal, alertVisibility, deliveryFunnel, routeShare, shownStatus } from '@bin-alert/domain';
import { AlertOverviewRepository, AlertRepository } from '@bin-alert/persistence';
import { STORES, Stores } from '@bin-alert/platform';

type Listener = (dashboard: AlertDashboard) => void;

interface Watched {
  listeners: Set<Listener>;
  timer: NodeJS.Timeout;
  signal: string | null;
  lastReadAt: number;
  lastSent: string | null;
  busy: boolean;
}

/** How often a watched alert's live counters are looked at (one Redis round trip per alert). */
export const LIVE_SIGNAL_MS = 1000;
/**
 * The counters only move on provider callbacks; planning and hand-over show in PostgreSQL alone,
 * so the counts are also re-read this often while anyone is watching.
 */
export const PLAN_REFRESH_MS = 3000;

/**
 * Dashboards and their live feed. Every viewer of one alert shares one watch: the tracker's Redis
 * counters are the cheap signal that something changed, PostgreSQL the numbers shown (it holds what
 * the counters do not: the plan, suppression and failure reasons, delivery times). So the cost
 * grows with the alerts being watched, not with the people watching them (ADR 0012).
 */
@Injectable()
export class AlertDashboardService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('dashboard');
  private readonly watched = new Map<string, Watched>();
  private readonly openStreams = new Set<() => void>();

  constructor(
    private readonly alerts: AlertRepository,
    private readonly overview: AlertOverviewRepository,
    @Inject(STORES) private readonly stores: Stores,
  ) {}

  /** 404 rather than 403 for an alert outside the caller's scope: its existence is not theirs to know. */
  async assertVisible(alertId: string, principal: Principal): Promise<void> {
    if (!(await this.overview.isVisible(alertId, alertVisibility(principal)))) throw new DomainError('alert.not_found', `no alert with id ${alertId}`);
  }

  async dashboard(alertId: string): Promise<AlertDashboard> {
    const found = await this.alerts.findWithCounts(alertId);
    if (!found) throw new DomainError('alert.not_found', `no alert with id ${alertId}`);
    const [timings, routeCounts] = await Promise.all([this.overview.timings(alertId), this.overview.routeCounts(alertId)]);
    const { alert } = found;
    const issuedAt = alert.issuedAt ?? alert.createdAt;
    const since = (at: Date | null | undefined) => (at ? new Date(at).getTime() - issuedAt.getTime() : null);
    const channels: Partial<Record<Channel, ChannelDashboard>> = {};
    for (const channel of CHANNELS) {
      const counts = found.channels[channel];
      if (!counts) continue;
      const timing = timings[channel];
      channels[channel] = {
        funnel: deliveryFunnel({ ...counts, acknowledged: timing?.acknowledged ?? 0 }),
        firstDeliveryMs: since(timing?.firstDeliveredAt),
        lastDeliveryMs: since(timing?.lastDeliveredAt),
        routes: Object.entries(routeCounts[channel] ?? {}).map(([route, byStatus]) => routeShare(route, byStatus)),
        fallbacks: timing?.fallbacks ?? 0,
      };
    }
    return {
      alert: {
        id: alert.id,
        // As the alert reads now: an issued alert may since have expired or been cancelled.
        status: shownStatus({ state: alert.status, expiresAt: alert.expiresAt, cancelled: found.cancelled }, new Date()),
        kind: alert.kind,
        messageType: alert.messageType,
        references: alert.referencesAlertId,
        createdBy: alert.createdBy,
        category: alert.categoryCode,
        urgency: alert.urgency,
        redistributionAllowed: alert.redistributionAllowed,
        bins: found.binIds,
        issuedAt: alert.issuedAt ? alert.issuedAt.toISOString() : null,
        texts: alert.texts,
      },
      channels,
    };
  }

  /** Calls `listener` with every changed dashboard of the alert until the returned function is called. */
  watch(alertId: string, listener: Listener): () => void {
    let watched = this.watched.get(alertId);
    if (!watched) {
      const created: Watched = {
        listeners: new Set(),
        timer: setInterval(() => void this.tick(alertId, created), LIVE_SIGNAL_MS),
        signal: null,
        lastReadAt: 0,
        lastSent: null,
        busy: false,
      };
      created.timer.unref();
      this.watched.set(alertId, created);
      watched = created;
    }
    watched.listeners.add(listener);
    const w = watched;
    return () => {
      w.listeners.delete(listener);
      if (w.listeners.size === 0 && this.watched.get(alertId) === w) {
        clearInterval(w.timer);
        this.watched.delete(alertId);
      }
    };
  }

  /** Alerts with at least one viewer (for tests and the ops page). */
  watchedAlerts(): number {
    return this.watched.size;
  }

  /**
   * Registers a way to end an open event stream: the HTTP server waits for open connections when
   * it closes, and a dashboard left open in a browser would otherwise hold a shutdown forever.
   */
  holdOpen(end: () => void): () => void {
    this.openStreams.add(end);
    return () => this.openStreams.delete(end);
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.openStreams]) end();
    this.openStreams.clear();
  }

  onApplicationShutdown(): void {
    for (const w of this.watched.values()) clearInterval(w.timer);
    this.watched.clear();
  }

  private async tick(alertId: string, w: Watched): Promise<void> {
    if (w.busy) return;
    w.busy = true;
    try {
      const counters = await Promise.all(CHANNELS.map((channel) => this.stores.counters.read(liveCountersKey(alertId, channel))));
      const signal = JSON.stringify(counters);
      const now = Date.now();
      if (signal === w.signal && now - w.lastReadAt < PLAN_REFRESH_MS) return;
      w.signal = signal;
      w.lastReadAt = now;
      const dashboard = await this.dashboard(alertId);
      const text = JSON.stringify(dashboard);
      if (text === w.lastSent) return;
      w.lastSent = text;
      for (const listener of w.listeners) listener(dashboard);
    } catch (error) {
      // A failed look is retried at the next tick; the viewers keep what they have.
      this.logger.warn({ msg: 'live dashboard refresh failed', alertId, error: error instanceof Error ? error.message : String(error) });
    } finally {
      w.busy = false;
    }
  }
}
