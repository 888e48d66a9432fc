import type { AlertDashboard } from './api';
import { clearSession, loadSession } from './session';
import { createSseParser } from './sse';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'not-found';

/**
 * Follows GET /v1/alerts/:id/events with fetch, so the token goes in the Authorization header as
 * for every other call (EventSource cannot send it). Reconnects after the server's `retry` delay
 * when the stream ends or breaks; stops on 404 and on sign-out (401). Returns the stop function.
 */
export function followDashboard(alertId: string, onDashboard: (d: AlertDashboard) => void, onState: (s: LiveState) => void): () => void {
  const abort = new AbortController();
  let retryMs = 3000;
  const run = async () => {
    while (!abort.signal.aborted) {
      const session = loadSession();
      if (!session) return;
      try {
        const response = await fetch(`/v1/alerts/${alertId}/events`, {
          headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
          signal: abort.signal,
          cache: 'no-store',
        });
        if (response.status === 401) {
          clearSession();
          window.location.hash = '#/sign-in';
          return;
        }
        if (response.status === 404) return onState('not-found');
        if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
        const push = createSseParser(
          (event) => {
            if (event.event !== 'dashboard') return;
            onState('live');
            onDashboard(JSON.parse(event.data) as AlertDashboard);
          },
          (ms) => (retryMs = ms),
        );
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          push(value);
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  onState('connecting');
  void run();
  return () => abort.abort();
}
