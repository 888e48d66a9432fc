import type { DeliveryFunnel, RouteShare } from '../../../libs/domain/src/delivery/delivery-funnel';
import type { Channel } from '../../../libs/domain/src/vocabulary';
import { clearSession, loadSession } from './session';

/** An answer other than 2xx, with what the API said: its code, message and field problems (each with a code). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Array<{ field: string; code?: string; reason: string }> = [],
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Sends the session's token; a 401 ends the session, so the console asks to sign in again. */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const session = loadSession();
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (session) headers.set('authorization', `Bearer ${session.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(path, { ...init, headers, body });
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
  const answer = (await response.json().catch(() => ({}))) as { code?: string; message?: string | string[]; errors?: Array<{ field: string; code?: string; reason: string }> };
  if (response.status === 401 && session) {
    clearSession();
    window.location.hash = '#/sign-in';
  }
  const message = Array.isArray(answer.message) ? answer.message.join('; ') : (answer.message ?? response.statusText);
  throw new ApiError(response.status, message, answer.errors ?? [], answer.code);
}

/**
 * Saves a report as the CSV file the API names (Content-Disposition): fetched with the session's
 * token, since a plain link could not send it, then handed to the browser as a download.
 */
export async function downloadReport(path: string): Promise<string> {
  const session = loadSession();
  const response = await fetch(`${path}${path.includes('?') ? '&' : '?'}format=csv`, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(response.status, answer.message ?? response.statusText);
  }
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'bin-alert-report.csv';
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return filename;
}

/** GET /v1/bins and /v1/categories exactly as the server types them (libs/domain). */
export type { BinChoice as Bin, BinsAnswer, CategoryChoice as Category, CategoriesAnswer } from '../../../libs/domain/src/reference/reference-answers';

/** The domain's channels, as the API names them. */
export type ChannelName = Channel;

/** The alert list and the lifecycle routes' answer exactly as the server types them (libs/domain). */
export type { AlertListAnswer, AlertListItem, LifecycleAnswer } from '../../../libs/domain/src/lifecycle/alert-answers';

/** The same funnel the server computes (libs/domain), so both sides agree on every stage. */
export type Funnel = DeliveryFunnel;
export type { RouteShare };
/** The dashboard document exactly as the server types it (libs/domain): one type for both sides. */
export type { AlertDashboard } from '../../../libs/domain/src/delivery/alert-dashboard';
