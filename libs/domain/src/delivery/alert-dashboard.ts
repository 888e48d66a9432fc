import type { AlertText } from '../content/alert-message';
import type { Channel, Language } from '../vocabulary';
import type { DeliveryFunnel, RouteShare } from './delivery-funnel';

/**
 * The alert dashboard as the API sends it (GET /v1/alerts/:id/dashboard and its live feed): one
 * type for the server that builds it (libs/alerts) and the console that shows it, so the two
 * cannot drift apart. Types only, in a pure file the browser bundle imports by path.
 */
export interface ChannelDashboard {
  funnel: DeliveryFunnel;
  /** Milliseconds from issuing to the first and the last delivery so far. */
  firstDeliveryMs: number | null;
  lastDeliveryMs: number | null;
  /** Per provider route, in name order; empty for a channel whose deliveries record no route (ADR 0033). */
  routes: RouteShare[];
  /** Deliveries on this channel that are a fallback for a failed SMS of an urgent alert (ADR 0032). */
  fallbacks: number;
}

/** One alert's dashboard: the same document for the first load and every live update. */
export interface AlertDashboard {
  alert: {
    id: string;
    /** As the alert reads now (shownStatus): an issued alert may since have expired or been cancelled. */
    status: string;
    kind: string;
    messageType: string;
    references: string | null;
    createdBy: string | null;
    category: string;
    urgency: string;
    redistributionAllowed: boolean;
    bins: string[];
    /** ISO 8601, as JSON carries it. */
    issuedAt: string | null;
    /** As the operator wrote them, per language: title and body, the instruction and contact line when given. */
    texts: Partial<Record<Language, AlertText>>;
  };
  channels: Partial<Record<Channel, ChannelDashboard>>;
}
