import { Injectable } from '@nestjs/common';
import { SimApi } from '../config/sim-config';
import { SimConfigStore } from '../config/sim-config.store';
import { RequestRateWindow } from './request-rate-window';

export interface Admission {
  admitted: boolean;
  /** Why not: the per-second limit, or a configured 429 storm. */
  refusedBy?: 'rateLimit' | 'burst429';
  /** For SendGrid's X-RateLimit-* headers; absent when the API has no limit. */
  limit?: number;
  remaining?: number;
  /** Unix seconds at which a request would be admitted again. */
  resetAt?: number;
}

/** Decides, per simulated API, whether a request is answered or refused with 429. */
@Injectable()
export class TrafficGate {
  private windows = new Map<SimApi, RequestRateWindow>();

  constructor(private readonly config: SimConfigStore) {}

  admit(api: SimApi, now = Date.now()): Admission {
    const limit = this.config.current.rateLimit[api];
    const window = this.windowOf(api);
    const resetAt = Math.ceil(window.resetsAt(now) / 1000);
    // A request refused by a storm is "never processed": it takes no room in the rate window.
    // Without a configured limit the storm reports a limit of 0: nothing gets through.
    if (this.config.takeBurst(api)) return { admitted: false, refusedBy: 'burst429', limit: limit ?? 0, remaining: 0, resetAt };
    if (limit === null) return { admitted: true };
    const admitted = window.tryAdmit(limit, now);
    return {
      admitted,
      ...(admitted ? {} : { refusedBy: 'rateLimit' as const }),
      limit,
      remaining: window.remaining(limit, now),
      resetAt: Math.ceil(window.resetsAt(now) / 1000),
    };
  }

  reset(): void {
    this.windows = new Map();
  }

  private windowOf(api: SimApi): RequestRateWindow {
    const existing = this.windows.get(api);
    if (existing) return existing;
    const window = new RequestRateWindow();
    this.windows.set(api, window);
    return window;
  }
}
