import type { APIEmbed } from 'discord.js';
import { apiError, invalidFormBody, maxLength, type FieldProblem } from './errors.js';

/** Discord's documented message limits; breaking one is 400 code 50035 with the field path. */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  actionRows: 5,
  rowComponents: 5,
  customId: 100,
  buttonLabel: 80,
  choices: 25,
  modalTitle: 45,
} as const;

export interface MessageBody {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  attachments?: unknown;
  sticker_ids?: unknown;
  poll?: unknown;
  flags?: unknown;
}

const IS_COMPONENTS_V2 = 1 << 15;

function len(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

/** The characters Discord counts toward the 6000 total of a message's embeds. */
export function embedCharacters(embed: APIEmbed): number {
  return (
    len(embed.title) +
    len(embed.description) +
    len(embed.footer?.text) +
    len(embed.author?.name) +
    (embed.fields ?? []).reduce((n, f) => n + len(f.name) + len(f.value), 0)
  );
}

function embedProblems(embeds: APIEmbed[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (embeds.length > LIMITS.embeds) problems.push(maxLength(['embeds'], LIMITS.embeds));
  embeds.forEach((embed, i) => {
    const at = (...path: Array<string | number>) => ['embeds', i, ...path];
    if (len(embed.title) > LIMITS.title) problems.push(maxLength(at('title'), LIMITS.title));
    if (len(embed.description) > LIMITS.description)
      problems.push(maxLength(at('description'), LIMITS.description));
    if (len(embed.footer?.text) > LIMITS.footer)
      problems.push(maxLength(at('footer', 'text'), LIMITS.footer));
    if (len(embed.author?.name) > LIMITS.authorName)
      problems.push(maxLength(at('author', 'name'), LIMITS.authorName));
    const fields = embed.fields ?? [];
    if (fields.length > LIMITS.fields) problems.push(maxLength(at('fields'), LIMITS.fields));
    fields.forEach((field, j) => {
      if (len(field.name) === 0)
        problems.push({
          path: at('fields', j, 'name'),
          code: 'BASE_TYPE_REQUIRED',
          message: 'This field is required',
        });
      if (len(field.name) > LIMITS.fieldName)
        problems.push(maxLength(at('fields', j, 'name'), LIMITS.fieldName));
      if (len(field.value) === 0)
        problems.push({
          path: at('fields', j, 'value'),
          code: 'BASE_TYPE_REQUIRED',
          message: 'This field is required',
        });
      if (len(field.value) > LIMITS.fieldValue)
        problems.push(maxLength(at('fields', j, 'value'), LIMITS.fieldValue));
    });
  });
  const total = embeds.reduce((n, e) => n + embedCharacters(e), 0);
  if (total > LIMITS.embedTotal) {
    problems.push({
      path: ['embeds'],
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
    });
  }
  return problems;
}

interface Component {
  type?: number;
  custom_id?: string;
  label?: string;
  components?: Component[];
}

/** Classic action rows: at most 5 rows of at most 5 components, short labels and unique custom ids. */
function componentProblems(rows: Component[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (rows.length > LIMITS.actionRows) problems.push(maxLength(['components'], LIMITS.actionRows));
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const children = row.components ?? [];
    if (row.type === 1 && (children.length === 0 || children.length > LIMITS.rowComponents)) {
      problems.push({
        path: ['components', i, 'components'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: `Must be between 1 and ${LIMITS.rowComponents} in length.`,
      });
    }
    children.forEach((child, j) => {
      const at = ['components', i, 'components', j];
      if (len(child.custom_id) > LIMITS.customId)
        problems.push(maxLength([...at, 'custom_id'], LIMITS.customId));
      if (child.type === 2 && len(child.label) > LIMITS.buttonLabel)
        problems.push(maxLength([...at, 'label'], LIMITS.buttonLabel));
      if (child.custom_id !== undefined) {
        if (seen.has(child.custom_id)) {
          problems.push({
            path: [...at, 'custom_id'],
            code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
            message: 'Component custom id cannot be duplicated',
          });
        }
        seen.add(child.custom_id);
      }
    });
  });
  return problems;
}

/**
 * Checks a message body (create or edit) against Discord's limits. `creating` adds the rule that
 * a new message cannot be empty (code 50006).
 */
export function validateMessage(body: MessageBody, creating: boolean, fileCount = 0): void {
  const problems: FieldProblem[] = [];
  if (body.content !== undefined && body.content !== null && len(body.content) > LIMITS.content) {
    problems.push(maxLength(['content'], LIMITS.content));
  }
  if (Array.isArray(body.embeds)) problems.push(...embedProblems(body.embeds as APIEmbed[]));
  const v2 = typeof body.flags === 'number' && (body.flags & IS_COMPONENTS_V2) !== 0;
  if (Array.isArray(body.components) && !v2)
    problems.push(...componentProblems(body.components as Component[]));
  if (problems.length > 0) throw invalidFormBody(problems);
  if (creating) {
    const empty =
      len(body.content) === 0 &&
      !(Array.isArray(body.embeds) && body.embeds.length > 0) &&
      !(Array.isArray(body.components) && body.components.length > 0) &&
      fileCount === 0 &&
      !(Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) &&
      !body.poll;
    if (empty) throw apiError(50006);
  }
}

/** Autocomplete answers: at most 25 choices, names 1–100 characters, string values at most 100. */
export function validateChoices(choices: unknown): void {
  if (!Array.isArray(choices))
    throw invalidFormBody([
      { path: ['data', 'choices'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' },
    ]);
  const problems: FieldProblem[] = [];
  if (choices.length > LIMITS.choices)
    problems.push(maxLength(['data', 'choices'], LIMITS.choices));
  choices.forEach((choice: { name?: unknown; value?: unknown }, i) => {
    if (len(choice.name) < 1 || len(choice.name) > 100) {
      problems.push({
        path: ['data', 'choices', i, 'name'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 100 in length.',
      });
    }
    if (typeof choice.value === 'string' && len(choice.value) > 100)
      problems.push(maxLength(['data', 'choices', i, 'value'], 100));
  });
  if (problems.length > 0) throw invalidFormBody(problems);
}

/** A modal: a title of at most 45 characters, a custom id, and 1 to 5 top-level components. */
export function validateModal(data: {
  title?: unknown;
  custom_id?: unknown;
  components?: unknown;
}): void {
  const problems: FieldProblem[] = [];
  if (len(data.title) < 1 || len(data.title) > LIMITS.modalTitle) {
    problems.push({
      path: ['data', 'title'],
      code: 'BASE_TYPE_BAD_LENGTH',
      message: `Must be between 1 and ${LIMITS.modalTitle} in length.`,
    });
  }
  if (len(data.custom_id) < 1 || len(data.custom_id) > LIMITS.customId) {
    problems.push({
      path: ['data', 'custom_id'],
      code: 'BASE_TYPE_BAD_LENGTH',
      message: `Must be between 1 and ${LIMITS.customId} in length.`,
    });
  }
  const count = Array.isArray(data.components) ? data.components.length : 0;
  if (count < 1 || count > 5)
    problems.push({
      path: ['data', 'components'],
      code: 'BASE_TYPE_BAD_LENGTH',
      message: 'Must be between 1 and 5 in length.',
    });
  if (problems.length > 0) throw invalidFormBody(problems);
}
