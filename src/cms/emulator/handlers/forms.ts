import type { Community } from '../community.js';
import { badRequest, notFound } from '../problem.js';
import { submissionView } from '../views.js';
import type { Handlers } from './handler.js';

function requireTemplate(c: Community, templateId: number) {
  const template = c.data.formTemplates.find((t) => t.id === templateId);
  if (!template)
    throw notFound(`Form template ${templateId} does not exist.`, 'INVALID_TEMPLATE_ID');
  return template;
}

function submissionsOf(c: Community, templateId: number, skip: number, take: number) {
  requireTemplate(c, templateId);
  const all = c.data.formSubmissions.filter((s) => s.templateId === templateId);
  return {
    count: all.length,
    forms: all.slice(skip, skip + take).map((s) => submissionView(c, s)),
  };
}

function setLock(c: Community, templateId: number, state: boolean) {
  const template = requireTemplate(c, templateId);
  template.locked = state;
  return `Successfully set the lock state for ${template.label} to: ${state ? 'LOCKED' : 'UNLOCKED'}`;
}

export const formHandlers = {
  changeFormStage: ({ params, body }, c) => {
    const submission = c.data.formSubmissions.find((s) => s.formId === params.formId);
    if (!submission) throw notFound(`Form submission ${params.formId} does not exist.`);
    c.requireAccount({ accId: body.accId });
    const template = requireTemplate(c, submission.templateId);
    const newStage = template.stages.find((s) => s.id === body.newStageId);
    if (!newStage)
      throw badRequest(`Stage ${body.newStageId} is not a stage of ${template.label}.`);
    submission.stageId = newStage.id;
    submission.lastActionAt = c.now();
    return {
      authorized: true,
      failed: false,
      data: {
        form: submissionView(c, submission),
        newStage: { ...newStage },
        availableStages: template.stages.filter((s) => s.id !== newStage.id).map((s) => ({ ...s })),
      },
    };
  },
  getTemplateSubmissions: ({ params, query = {} }, c) =>
    submissionsOf(c, params.templateId, query.skip ?? 0, query.take ?? 25),
  getFormLockStatus: ({ params }, c) => requireTemplate(c, params.templateId).locked,
  setFormLockStatus: ({ params, body }, c) => setLock(c, params.templateId, body.state),
  getFormSubmission: ({ params }, c) => {
    const submission = c.data.formSubmissions.find((s) => s.formId === params.submissionId);
    if (!submission) throw notFound(`Form submission ${params.submissionId} does not exist.`);
    return submissionView(c, submission);
  },
  'v1.getFormTemplateSubmissions': ({ data: [{ templateId, skip, take }] }, c) =>
    submissionsOf(c, templateId, skip, take).forms,
  'v1.getFormLockStatus': ({ data: [{ templateId }] }, c) => requireTemplate(c, templateId).locked,
  'v1.setFormLockStatus': ({ data: [{ templateId, state }] }, c) => setLock(c, templateId, state),
} satisfies Partial<Handlers>;
