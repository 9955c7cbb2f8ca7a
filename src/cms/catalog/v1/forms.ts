import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v1 } from '../operation.js';

const templateId = z.number().int().positive();

export const v1FormOperations = {
  'v1.getFormTemplateSubmissions': v1({
    section: 'forms',
    summary: 'A page (at most 50) of submissions for a form template.',
    path: '/forms/get_template_submissions',
    type: 'GET_FORM_TEMPLATE_SUBMISSIONS',
    limitLike: 'getTemplateSubmissions',
    idempotent: true,
    input: z.strictObject({
      data: z.tuple([
        z.strictObject({
          templateId,
          skip: z.number().int().nonnegative(),
          take: z.number().int().min(1).max(50),
        }),
      ]),
    }),
    output: z.array(z.record(z.string(), z.unknown())),
    example: { data: [{ templateId: EXAMPLE.templateId, skip: 0, take: 50 }] },
  }),
  'v1.getFormLockStatus': v1({
    section: 'forms',
    summary: 'Whether a form template is locked.',
    path: '/forms/get_lock_status',
    type: 'GET_FORM_LOCK_STATUS',
    limitLike: 'getFormLockStatus',
    idempotent: true,
    input: z.strictObject({ data: z.tuple([z.strictObject({ templateId })]) }),
    output: z.boolean(),
    example: { data: [{ templateId: EXAMPLE.templateId }] },
  }),
  'v1.setFormLockStatus': v1({
    section: 'forms',
    summary: 'Lock or unlock a form template.',
    path: '/forms/set_lock_status',
    type: 'SET_FORM_LOCK_STATUS',
    limitLike: 'setFormLockStatus',
    idempotent: true,
    answers: 'text',
    input: z.strictObject({ data: z.tuple([z.strictObject({ templateId, state: z.boolean() })]) }),
    output: z.string(),
    example: { data: [{ templateId: EXAMPLE.templateId, state: true }] },
  }),
};
