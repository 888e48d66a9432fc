import { z } from 'zod';
import { STAFF_ROLES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';
import { changeAccountRequest, createAccountRequest } from '@bin-alert/accounts';

export const accountSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  policeZone: z.string().nullable(),
  bins: z.array(z.string()),
  disabledAt: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
});

const id = { id: z.string().uuid() };
const scopeRules = 'Operators and supervisors need a policeZone and no bins; board members at least one BIN and no zone; admins neither.';

export const LIST_ACCOUNTS_DOC: OperationDoc = {
  summary: 'Every staff account',
  tags: ['accounts'],
  responses: { 200: { description: 'The accounts, by username.', schema: z.object({ accounts: z.array(accountSchema) }) } },
};

export const CREATE_ACCOUNT_DOC: OperationDoc = {
  summary: 'Create a staff account',
  description: scopeRules,
  tags: ['accounts'],
  body: createAccountRequest,
  responses: {
    201: { description: 'Created (and audited).', schema: accountSchema, headers: { Location: '/v1/accounts/{id}' } },
    409: { description: 'The username is taken.' },
  },
};

export const CHANGE_ACCOUNT_DOC: OperationDoc = {
  summary: 'Change an account’s display name, password, role or scope',
  description: `${scopeRules} Send \`policeZone: null\` to take a zone away.`,
  tags: ['accounts'],
  params: id,
  body: changeAccountRequest,
  responses: {
    200: { description: 'Changed (and audited). Tokens issued before a change of role or scope are refused: the account signs in again.', schema: accountSchema },
    404: { description: 'No such account.' },
    409: { description: 'It is the last active admin, which cannot be demoted.' },
  },
};

export const DISABLE_ACCOUNT_DOC: OperationDoc = {
  summary: 'Disable an account: it can no longer sign in',
  description: 'Its tokens are refused from now on, not only when they expire.',
  tags: ['accounts'],
  params: id,
  responses: {
    200: { description: 'Disabled (and audited); disabling twice changes nothing.', schema: accountSchema },
    404: { description: 'No such account.' },
    409: { description: 'It is the last active admin.' },
  },
};
