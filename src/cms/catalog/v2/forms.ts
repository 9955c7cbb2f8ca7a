import { z } from 'zod';
import { EXAMPLE } from '../examples.js';
import { v2 } from '../operation.js';
import {
  formStage,
  formSubmission,
  guid,
  nonEmpty,
  textBool,
  textInt,
  textPositiveInt,
} from '../shapes.js';

const templateParams = z.strictObject({ templateId: textPositiveInt });

export const formOperations = {
  changeFormStage: v2({
    section: 'forms',
    summary: 'Move a form submission to a new stage.',
    method: 'PATCH',
    path: '/v2/community/forms/{formId}/stage',
    limitPerMinute: 27,
    idempotent: true,
    input: z.strictObject({
      params: z.strictObject({ formId: textPositiveInt }),
      body: z.strictObject({
        accId: guid,
        newStageId: nonEmpty,
        optionalReason: z.string().optional(),
      }),
    }),
    output: z.looseObject({
      authorized: z.boolean(),
      failed: z.boolean(),
      data: z.looseObject({
        form: formSubmission,
        newStage: formStage,
        availableStages: z.array(formStage),
      }),
    }),
    // The docs move to "review"; the sandbox's Interview stage stands in.
    example: {
      params: { formId: EXAMPLE.formId },
      body: {
        accId: EXAMPLE.accountId,
        newStageId: EXAMPLE.formStageId,
        optionalReason: 'Reviewed manually.',
      },
    },
  }),
  getTemplateSubmissions: v2({
    section: 'forms',
    summary: 'Retrieve a page of submissions for a form template.',
    method: 'GET',
    path: '/v2/community/forms/{templateId}/submissions',
    limitPerMinute: 13,
    input: z.strictObject({
      params: templateParams,
      query: z
        .strictObject({
          skip: textInt.pipe(z.number().int().nonnegative()).optional(),
          take: textInt.pipe(z.number().int().min(1).max(50)).optional(),
        })
        .optional(),
    }),
    output: z.looseObject({ count: z.number().int(), forms: z.array(formSubmission) }),
    example: { params: { templateId: EXAMPLE.templateId }, query: { skip: 0, take: 25 } },
  }),
  getFormLockStatus: v2({
    section: 'forms',
    summary: 'Whether a form template is locked.',
    method: 'GET',
    path: '/v2/community/forms/{templateId}/lock',
    limitPerMinute: 27,
    input: z.strictObject({ params: templateParams }),
    output: z.boolean(),
    example: { params: { templateId: EXAMPLE.templateId } },
  }),
  setFormLockStatus: v2({
    section: 'forms',
    summary: 'Lock or unlock a form template.',
    method: 'PATCH',
    path: '/v2/community/forms/{templateId}/lock',
    limitPerMinute: 18,
    idempotent: true,
    input: z.strictObject({ params: templateParams, body: z.strictObject({ state: textBool }) }),
    output: z.string(),
    example: { params: { templateId: EXAMPLE.templateId }, body: { state: true } },
  }),
  getFormSubmission: v2({
    section: 'forms',
    summary: 'Retrieve one form submission with its template stages.',
    method: 'GET',
    path: '/v2/community/forms/submissions/{submissionId}',
    limitPerMinute: 27,
    input: z.strictObject({ params: z.strictObject({ submissionId: textPositiveInt }) }),
    output: formSubmission,
    example: { params: { submissionId: EXAMPLE.submissionId } },
  }),
};
