import { z } from 'zod';

/** POST /v1/auth/token. The username's shape is not checked here: a wrong one is just a failed login. */
export const loginRequest = z
  .object({
    username: z.string().trim().min(1, 'required').max(256, 'at most 256 characters'),
    password: z.string().min(1, 'required').max(256, 'at most 256 characters'),
  })
  .strict();

export type LoginRequest = z.infer<typeof loginRequest>;
