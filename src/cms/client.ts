import {
  getOperation,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type V1Operation,
  type V2Input,
  type V2Operation,
} from './catalog/index.js';
import { CmsError, describeIssue } from './errors.js';
import { parseJsonOrUndefined } from './json.js';

export interface CmsClientOptions {
  /** Default `https://api.sonorancms.com`; the emulator's URL in tests and the sandbox. */
  baseUrl: string;
  communityId: string;
  apiKey: string;
  timeoutMs: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const V1_AUTH_ERRORS = new Set(['INVALID API KEY', 'INVALID COMMUNITY ID']);

/**
 * A typed client for every catalog operation. It validates input and output against the
 * catalog's schemas and turns every failure into a CmsError. It never retries: the queue decides.
 */
export class CmsClient {
  private readonly baseUrl: string;

  constructor(private readonly options: CmsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async call<N extends OperationName>(
    name: N,
    input: OperationInput<N>,
    callOptions: CallOptions = {},
  ): Promise<OperationOutput<N>> {
    const operation = getOperation(name);
    const parsedInput = operation.input.safeParse(input);
    if (!parsedInput.success) {
      const { field, text } = describeIssue(parsedInput.error, 'input');
      throw new CmsError({
        kind: 'invalid-input',
        operation: name,
        field,
        message: `invalid input, nothing sent: ${text}`,
      });
    }
    const request =
      operation.version === 'v2'
        ? this.v2Request(operation, parsedInput.data as V2Input)
        : this.v1Request(operation, parsedInput.data as { data?: unknown });

    const timeoutMs = callOptions.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, { ...request.init, signal });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted) {
        throw new CmsError({
          kind: 'timeout',
          operation: name,
          message: `no answer within ${timeoutMs} ms`,
        });
      }
      if (callOptions.signal?.aborted) throw callOptions.signal.reason;
      const cause =
        error instanceof Error
          ? (error.cause as (Error & { code?: string }) | undefined)
          : undefined;
      const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
      // The system error code (ECONNREFUSED, ECONNRESET, ...) tells whether anything was sent.
      throw new CmsError({
        kind: 'network',
        operation: name,
        code: cause?.code,
        message: `could not reach the CMS: ${reason}`,
      });
    }

    const data =
      operation.version === 'v2'
        ? this.v2Answer(name, operation, response, text)
        : this.v1Answer(name, operation, response, text);
    const parsedOutput = operation.output.safeParse(data);
    if (!parsedOutput.success) {
      const { field, text: problem } = describeIssue(parsedOutput.error, 'data');
      throw new CmsError({
        kind: 'invalid-response',
        operation: name,
        status: response.status,
        field,
        message: `the CMS answer does not match the documented shape: ${problem}`,
      });
    }
    return parsedOutput.data as OperationOutput<N>;
  }

  private v2Request(operation: V2Operation, input: V2Input): { url: string; init: RequestInit } {
    const path = operation.path.replace(/\{(\w+)\}/g, (_, key: string) =>
      encodeURIComponent(String(input.params?.[key])),
    );
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const search = query.size > 0 ? `?${query}` : '';
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
    };
    const init: RequestInit = { method: operation.method, headers };
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input.body);
    }
    return { url: `${this.baseUrl}${path}${search}`, init };
  }

  private v1Request(
    operation: V1Operation,
    input: { data?: unknown },
  ): { url: string; init: RequestInit } {
    const body: Record<string, unknown> = {
      id: this.options.communityId,
      key: this.options.apiKey,
      type: operation.type,
    };
    if (input.data !== undefined) body.data = input.data;
    return {
      url: `${this.baseUrl}${operation.path}`,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: '*/*' },
        body: JSON.stringify(body),
      },
    };
  }

  /** Unwraps `{success, data, meta}`, or turns a problem+json answer into a CmsError. */
  private v2Answer(
    name: string,
    operation: V2Operation,
    response: Response,
    text: string,
  ): unknown {
    if (response.ok) {
      if (response.status === 204 || operation.successStatus === 204) return null;
      const envelope = parseJsonOrUndefined(text) as
        { success?: unknown; data?: unknown } | undefined;
      if (
        !envelope ||
        typeof envelope !== 'object' ||
        envelope.success !== true ||
        !('data' in envelope)
      ) {
        throw new CmsError({
          kind: 'invalid-response',
          operation: name,
          status: response.status,
          field: 'envelope',
          message: 'the CMS answer is not the {success, data, meta} envelope',
        });
      }
      return envelope.data;
    }
    const problem = parseJsonOrUndefined(text) as
      { title?: string; detail?: string; type?: string } | undefined;
    const message =
      [response.status, problem?.title, problem?.detail].filter(Boolean).join(' ') ||
      `HTTP ${response.status}`;
    throw this.errorFor(name, response, message, problem?.type);
  }

  /** v1 answers JSON or a plain line on success, and a plain error line (or JSON) on failure. */
  private v1Answer(
    name: string,
    operation: V1Operation,
    response: Response,
    text: string,
  ): unknown {
    if (response.ok) {
      if (operation.answers === 'text') return text;
      const json = parseJsonOrUndefined(text);
      return json === undefined ? text : json;
    }
    const json = parseJsonOrUndefined(text) as { message?: string } | undefined;
    const line =
      (typeof json?.message === 'string' ? json.message : text).trim() || `HTTP ${response.status}`;
    throw this.errorFor(name, response, `${response.status} ${line}`, line);
  }

  private errorFor(
    name: string,
    response: Response,
    message: string,
    code: string | undefined,
  ): CmsError {
    const status = response.status;
    if (status === 429) {
      return new CmsError({
        kind: 'rate-limited',
        operation: name,
        status,
        code,
        message,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      });
    }
    const auth = status === 401 || (code !== undefined && V1_AUTH_ERRORS.has(code));
    return new CmsError({ kind: auth ? 'auth' : 'http', operation: name, status, code, message });
  }
}
