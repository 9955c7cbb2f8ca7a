import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordError } from './errors.js';
import type { UploadedFile } from './message-store.js';

const MAX_BODY_BYTES = 26 * 1024 * 1024;

export interface RequestBody {
  json: Record<string, unknown>;
  files: UploadedFile[];
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new DiscordError(413, 40005, 'Request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON bodies, and the multipart bodies discord.js sends with files (`payload_json` plus `files[n]`). */
export async function readBody(req: IncomingMessage): Promise<RequestBody> {
  const raw = await readRaw(req);
  const type = req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith('multipart/form-data') && boundary)
    return parseMultipart(raw, boundary[1] ?? boundary[2]!);
  if (raw.length === 0) return { json: {}, files: [] };
  return { json: parseJson(raw.toString('utf8')), files: [] };
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    // Arrays (bulk command overwrites) travel under one key.
    return { _: value };
  } catch {
    throw new DiscordError(400, 50109, 'The request body contains invalid JSON.');
  }
}

function parseMultipart(raw: Buffer, boundary: string): RequestBody {
  const body: RequestBody = { json: {}, files: [] };
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
      if (name === 'payload_json') body.json = parseJson(content.toString('utf8'));
      else if (filename !== undefined)
        body.files.push({
          filename,
          size: content.length,
          ...(contentType ? { contentType } : {}),
        });
    }
    start = next;
  }
  return body;
}

/** `X-Audit-Log-Reason` arrives URL-encoded. */
export function auditReason(req: IncomingMessage): string | null {
  const header = req.headers['x-audit-log-reason'];
  if (typeof header !== 'string' || header.length === 0) return null;
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}
