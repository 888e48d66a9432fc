import type { RetryPolicy } from '@bin-alert/domain';

export interface DispatchSettings {
  pageSize: number;
  sendConcurrency: number;
  retryPolicy: RetryPolicy;
  twilioFromNumber: string;
  twilioMessagesPerSecond: number;
  twilioCallsPerSecond: number;
  sendgridRequestsPerSecond: number;
  /** How long an urgent SMS may wait in the provider's queue before it is no longer worth sending. */
  urgentSmsValiditySeconds: number;
}

export const DISPATCH_SETTINGS = Symbol('DISPATCH_SETTINGS');
