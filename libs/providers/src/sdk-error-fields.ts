/** Narrowing helpers for SDK errors, which arrive as `unknown` and are typed loosely upstream. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The Node/axios error code of a request that got no HTTP answer (ECONNREFUSED, ETIMEDOUT,
 * ECONNABORTED…). Only codes that look like one are kept, so no free text leaks through.
 */
export function transportCodeOf(error: unknown): string | undefined {
  if (!isRecord(error) || typeof error.code !== 'string') return undefined;
  return /^[A-Z][A-Z0-9_]{1,40}$/.test(error.code) ? error.code : undefined;
}
