import { createHmac, randomUUID } from 'node:crypto';
import type { TrackedMember } from '../../bench/src/support/accepted-deliveries';

/** X-Twilio-Signature as Twilio computes it: HMAC-SHA1 of the URL and the sorted parameters. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export interface SignedCallback {
  path: string;
  params: Record<string, string>;
  signature: string;
}

/** Twilio's `sent` then `delivered` callbacks for each seeded member's SMS, signed for `baseUrl`. */
export function signedSmsStatusCallbacks(seeded: TrackedMember[], authToken: string, baseUrl: string): SignedCallback[] {
  return seeded.flatMap((s) => {
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    return ['sent', 'delivered'].map((status) => {
      const path = `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`;
      const params = { MessageSid: sid, MessageStatus: status, AccountSid: 'AC00000000000000000000000000000000' };
      return { path, params, signature: twilioSignature(authToken, `${baseUrl}${path}`, params) };
    });
  });
}

/** Posts the callbacks in order with `concurrency` in flight, as a provider would; returns how many got each status code. */
export async function postCallbacks(baseUrl: string, callbacks: SignedCallback[], concurrency: number): Promise<Map<number, number>> {
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < callbacks.length) {
        const c = callbacks[next++];
        const res = await fetch(`${baseUrl}${c.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': c.signature },
          body: new URLSearchParams(c.params).toString(),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}
