import { z } from 'zod';
import { BIN_KINDS, CATEGORY_RULES, URGENCIES } from '@bin-alert/domain';
import type { OperationDoc } from '@bin-alert/platform';

export const LIST_BINS_DOC: OperationDoc = {
  summary: 'The BINs an alert may target',
  tags: ['reference data'],
  responses: {
    200: { description: 'Every BIN.', schema: z.object({ bins: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(BIN_KINDS), policeZone: z.string() })) }) },
  },
};

export const LIST_CATEGORIES_DOC: OperationDoc = {
  summary: 'The categories of alerts, with how each reaches members',
  tags: ['reference data'],
  responses: {
    200: {
      description: 'Every category.',
      schema: z.object({ categories: z.array(z.object({ code: z.string(), name: z.string(), rule: z.enum(CATEGORY_RULES), defaultUrgency: z.enum(URGENCIES) })) }),
    },
  },
};
