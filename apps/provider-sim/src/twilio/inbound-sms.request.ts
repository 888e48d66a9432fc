import { z } from 'zod';

const e164 = z.string().regex(/^\+[1-9]\d{5,14}$/, 'must be an E.164 number such as +32470123456');

/** POST /__sim/inbound-sms: a member's phone (`from`) texts the system's number (`to`). */
export const inboundSmsRequestSchema = z
  .object({
    from: e164,
    to: e164,
    body: z.string().max(1600),
  })
  .strict();

export type InboundSmsRequest = z.infer<typeof inboundSmsRequestSchema>;
