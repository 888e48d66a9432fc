import { SetMetadata } from '@nestjs/common';
import { SimApi } from '../config/sim-config';
import { SimChannel } from '../inbox/sim-message';

export const SIMULATED_API = 'bin-alert:simulated-api';

/** Marks a handler as one of the provider APIs that latency, rate limits and 429 storms apply to. */
export const SimulatedApi = (api: SimApi): MethodDecorator => SetMetadata(SIMULATED_API, api);

export const CHANNEL_OF_API: Record<SimApi, SimChannel> = {
  twilioMessages: 'sms',
  twilioCalls: 'voice',
  sendgridMail: 'email',
};
