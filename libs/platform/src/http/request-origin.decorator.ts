import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Request, Response } from 'express';
import type { RequestOrigin } from '@bin-alert/domain';
import { currentCorrelationId } from '../logging/correlation';

/**
 * Where the request came from, for the audit log: client address, user agent and correlation id.
 * A request without `x-correlation-id` gets one here, echoed in the answer and used by error
 * answers too, so the audit line and what the caller saw carry the same id.
 */
export const CurrentOrigin = createParamDecorator((_data: unknown, ctx: ExecutionContext): Required<RequestOrigin> => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const response = ctx.switchToHttp().getResponse<Response>();
  const given = request.headers['x-correlation-id'];
  // The request context's id (observability middleware) when there is one: one id per request.
  const correlationId = currentCorrelationId() ?? (typeof given === 'string' && given !== '' ? given : randomUUID());
  request.headers['x-correlation-id'] = correlationId;
  response.setHeader('x-correlation-id', correlationId);
  return { clientIp: request.ip ?? request.socket.remoteAddress ?? 'unknown', userAgent: request.headers['user-agent'] ?? '', correlationId };
});

/**
 * The client a per-address limit counts: an IPv4 address as it is, an IPv6 address by the /64 it
 * is in. A home or a phone is given a whole /64, so counting single IPv6 addresses would give one
 * client 2^64 fresh allowances. An IPv4 address written as IPv6 (::ffff:203.0.113.9) is that IPv4
 * address. Anything else (no address known) is counted as it is.
 */
export function addressForLimits(clientIp: string): string {
  if (!isIPv6(clientIp)) return clientIp;
  const groups = ipv6Groups(clientIp);
  const mappedIpv4 = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mappedIpv4) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (zone dropped, :: expanded, a dotted tail read). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const written = tail === undefined ? part(head) : [...part(head), ...Array<string>(8 - part(head).length - part(tail).length).fill('0'), ...part(tail)];
  return written.map((g) => parseInt(g, 16));
}
