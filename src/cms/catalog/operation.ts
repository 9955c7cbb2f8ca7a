import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Section =
  | 'general'
  | 'accounts'
  | 'servers'
  | 'events'
  | 'forms'
  | 'rosters'
  | 'disciplinary'
  | 'erlc'
  | 'sessions';

/** What a caller hands the client for a v2 operation: route parameters, query string and JSON body. */
export interface V2Input {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** What a caller hands the client for a v1 operation: the `data` member of `{id, key, type, data}`. */
export interface V1Input {
  data?: unknown;
}

interface OperationCommon<I extends z.ZodType, O extends z.ZodType> {
  summary: string;
  section: Section;
  /**
   * Sending it twice leaves the CMS as sending it once would. The queue re-sends only these
   * without checking first when a worker died mid-request or a request timed out.
   */
  idempotent: boolean;
  /** Validates what callers pass; the emulator validates requests with the same schema. */
  input: I;
  /** Validates the answer's data (the v2 envelope's `data`, or the v1 body). */
  output: O;
  /** The docs' example input (placeholders replaced by the sandbox community's records). */
  example: z.input<I>;
}

export interface V2Operation<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> extends OperationCommon<I, O> {
  version: 'v2';
  method: HttpMethod;
  /** Path with `{param}` placeholders, e.g. `/v2/community/accounts/{accountId}`. */
  path: string;
  limitPerMinute: number;
  successStatus: 200 | 201 | 204;
}

export interface V1Operation<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> extends OperationCommon<I, O> {
  version: 'v1';
  /** Every v1 call is a POST to this path. */
  path: string;
  /** The `type` member of the body. */
  type: string;
  /**
   * The v2 twin: the v2 operation that does the same thing. v1 limits are not documented, so
   * a twinned v1 operation spends its twin's budget (one window, the twin's limit; see
   * `budgetName`). With no twin (kick and ban) the limit is 9/min, the smallest documented
   * one, and only then may configuration override it.
   */
  limitLike: string | null;
  /** Whether the CMS answers JSON or a plain-text line. */
  answers: 'json' | 'text';
}

export type Operation = V2Operation | V1Operation;

type V2Definition<I extends z.ZodType<V2Input>, O extends z.ZodType> = Omit<
  V2Operation<I, O>,
  'version' | 'idempotent' | 'successStatus'
> &
  Partial<Pick<V2Operation<I, O>, 'idempotent' | 'successStatus'>>;

/** A v2 operation. Reads (GET) and whole-value replacements (PUT) are idempotent unless said otherwise. */
export function v2<I extends z.ZodType<V2Input>, O extends z.ZodType>(
  definition: V2Definition<I, O>,
): V2Operation<I, O> {
  return {
    version: 'v2',
    idempotent: definition.method === 'GET' || definition.method === 'PUT',
    successStatus: 200,
    ...definition,
  };
}

type V1Definition<I extends z.ZodType<V1Input>, O extends z.ZodType> = Omit<
  V1Operation<I, O>,
  'version' | 'idempotent' | 'answers'
> &
  Partial<Pick<V1Operation<I, O>, 'idempotent' | 'answers'>>;

/** A v1 operation. Idempotent only when said so: every v1 call is a POST. */
export function v1<I extends z.ZodType<V1Input>, O extends z.ZodType>(
  definition: V1Definition<I, O>,
): V1Operation<I, O> {
  return { version: 'v1', idempotent: false, answers: 'json', ...definition };
}
