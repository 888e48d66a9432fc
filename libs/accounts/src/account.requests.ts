import { z } from 'zod';
import { STAFF_ROLES } from '@bin-alert/domain';
import { freeText, staffPassword, staffUsername } from '@bin-alert/platform';

const displayName = freeText({ max: 200 });
const policeZone = z.string().trim().min(1, 'required').max(100);
const bins = z
  .array(z.string().min(1))
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each BIN once');

/** POST /v1/accounts. Whether zone and BINs fit the role, and exist, is checked by the service. */
export const createAccountRequest = z
  .object({
    username: staffUsername,
    displayName,
    password: staffPassword,
    role: z.enum(STAFF_ROLES),
    policeZone: policeZone.optional(),
    bins: bins.optional(),
  })
  .strict();
export type CreateAccountRequest = z.infer<typeof createAccountRequest>;

/** PATCH /v1/accounts/{id}: what changes; `policeZone: null` takes a zone away (e.g. police → board). */
export const changeAccountRequest = z
  .object({
    displayName: displayName.optional(),
    password: staffPassword.optional(),
    role: z.enum(STAFF_ROLES).optional(),
    policeZone: policeZone.nullable().optional(),
    bins: bins.optional(),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'at least one of displayName, password, role, policeZone, bins');
export type ChangeAccountRequest = z.infer<typeof changeAccountRequest>;
