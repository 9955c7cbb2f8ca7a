import { request } from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { AccountObservation, Intake } from '../../src/audit/observations.js';
import {
  createPushReceiver,
  PUSH_PATH,
  type PushReceiverOptions,
} from '../../src/events/cms/push-receiver.js';

/** The community key the receivers under test expect. */
export const PUSH_KEY = 'push-test-key-5c1d0f6b9a';

/** The docs' ACCOUNT_UPDATED sample (Account Updated page), with the test key. */
export function accountUpdated(data: Record<string, unknown> = {}) {
  return {
    key: PUSH_KEY,
    type: 'ACCOUNT_UPDATED',
    data: {
      discordId: '235947056630333440',
      accId: '67ceebae-ee63-43c1-a6a6-5234b2210abf',
      comStatus: true,
      accName: 'Dawson G.',
      comName: 'Dawson G.',
      primaryIdentifier: '1A-1',
      secondaryIdentifiers: [],
      primaryRank: 'fc2c3825-df41-4485-ad9a-6c2ac900b4f4',
      secondaryRanks: ['331d4ece-b582-4c9c-885b-7060341cf482'],
      primaryDepartment: '00116ef0-9d22-491e-964c-1eb1b6ffd167',
      secondaryDepartments: ['7dbedb0e-4df2-4405-b241-cb5dee253ab8'],
      joinDate: '2022-02-22 20:28:40.000 -0800',
      owner: true,
      banned: false,
      lastLogin: '2022-02-22 22:43:46.000 -0800',
      activeApiIds: ['235947056630333440'],
      ...data,
    },
  };
}

/** The docs' ACCOUNT_KICKED / ACCOUNT_BANNED sample. */
export function accountRemoved(
  type: 'ACCOUNT_KICKED' | 'ACCOUNT_BANNED',
  data: Record<string, unknown> = {},
) {
  return {
    key: PUSH_KEY,
    type,
    data: {
      discordId: '235947056630333440',
      accountId: '67ceebae-ee63-43c1-a6a6-5234b2210abf',
      ...data,
    },
  };
}

export interface PushAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: string; ok?: boolean; stored?: boolean; duplicate?: boolean };
}

export interface SendOptions {
  method?: string;
  /** Sent as JSON unless a string (sent as is). */
  body?: unknown;
  contentType?: string | null;
  /** The address the request comes from (any of 127.0.0.0/8 works on loopback). */
  localAddress?: string;
}

/** One HTTP request to the receiver, on its own connection, answered as parsed JSON. */
export function send(url: string, options: SendOptions = {}): Promise<PushAnswer> {
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'POST',
        localAddress: options.localAddress,
        agent: false,
        headers: {
          ...(contentType && payload !== undefined ? { 'content-type': contentType } : {}),
          ...(payload !== undefined ? { 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as PushAnswer['body']) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Records what reached it; answers `stored` unless told otherwise. */
export class RecordingIntake implements Intake {
  readonly seen: { observation: AccountObservation; dedupKey: string }[] = [];
  answer: () => Promise<'stored' | 'duplicate'> = async () => 'stored';

  accept(observation: AccountObservation, dedupKey: string): Promise<'stored' | 'duplicate'> {
    this.seen.push({ observation, dedupKey });
    return this.answer();
  }
}

export interface TestReceiver {
  url: string;
  intake: RecordingIntake;
  /** Every log line written so far, as written (JSON text). */
  logText(): string;
  /** The same lines, parsed. */
  logLines(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** A receiver on a free port with a recording intake and a logger whose output the test reads. */
export async function startTestReceiver(
  options: Partial<PushReceiverOptions> & { host?: string } = {},
): Promise<TestReceiver> {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    }),
  );
  const intake = new RecordingIntake();
  const { host = '127.0.0.1', ...rest } = options;
  const app = await createPushReceiver({
    apiKey: PUSH_KEY,
    intake,
    logger,
    allowedSenders: null,
    perAddressPerMinute: 1_000,
    ...rest,
  });
  await app.listen({ port: 0, host });
  const { port } = app.server.address() as AddressInfo;
  // A wildcard listener is reached on 127.0.0.1 (on '::' the socket then reports ::ffff:127.0.0.1).
  const shown =
    host === '::' || host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${PUSH_PATH}`,
    intake,
    logText: () => lines.join(''),
    logLines: () =>
      lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    close: () => app.close(),
  };
}
