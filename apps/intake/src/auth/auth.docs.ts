import { z } from 'zod';
import { STAFF_ROLES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';
import { loginRequest } from '@bin-alert/accounts';

export const LOGIN_DOC: OperationDoc = {
  summary: 'Sign in with a local account: username and password for an access token',
  description: 'Attempts are limited per username and per client address (429 with Retry-After). Every attempt is audited.',
  tags: ['auth'],
  body: loginRequest,
  responses: {
    200: {
      description: 'Signed in. Send the token as `Authorization: Bearer <accessToken>`.',
      schema: z.object({
        accessToken: z.string(),
        tokenType: z.literal('Bearer'),
        expiresIn: z.number().int().describe('seconds'),
        role: z.enum(STAFF_ROLES),
        policeZone: z.string().nullable(),
        bins: z.array(z.string()),
        account: z.object({ id: z.string().uuid(), username: z.string(), displayName: z.string() }),
      }),
    },
    401: { description: 'Username or password is wrong (one answer for both).' },
    403: { description: 'The account is disabled.' },
    429: { description: 'Too many attempts for this username or from this address.', headers: { 'Retry-After': 'seconds to wait' } },
  },
};
