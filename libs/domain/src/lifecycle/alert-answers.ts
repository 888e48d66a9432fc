import type { AlertKind, AlertState, Channel, MessageType, Urgency } from '../vocabulary';

/**
 * What the alert routes the console calls answer, as JSON carries it (dates as ISO 8601 strings):
 * one declaration for the server that sends it and the console that reads it, so the two cannot
 * drift apart (as AlertDashboard, delivery/alert-dashboard.ts). Types only, in a pure file the
 * browser bundle imports by path.
 */

/** One alert of GET /v1/alerts. */
export interface AlertListItem {
  id: string;
  /** As the alert reads now (the domain's shownStatus): issued, awaiting_approval, cancelled, expired, … */
  status: string;
  kind: AlertKind;
  messageType: MessageType;
  /** The alert an update or cancel follows up, else null. */
  references: string | null;
  category: string;
  urgency: Urgency;
  redistributionAllowed: boolean;
  /** The Dutch title, else the first the alert has. */
  title: string | null;
  bins: string[];
  issuedAt: string | null;
  /** Deliveries per channel and status (suppressed included). */
  channels: Partial<Record<Channel, Record<string, number>>>;
}

/** GET /v1/alerts: newest first; `next` is the cursor of the following page, or null. */
export interface AlertListAnswer {
  alerts: AlertListItem[];
  next: string | null;
}

/** What POST /v1/alerts, /drafts, the lifecycle routes (issue, approve, reject) and the follow-ups answer. */
export interface LifecycleAnswer {
  id: string;
  /** The state the alert is stored in after the step. */
  status: AlertState;
  issuedAt: string | null;
  links: { self: string; cap: string };
}
