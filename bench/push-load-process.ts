import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { machineBusySeconds } from './push-cpu.js';
import type { LoadInput, LoadResult, ToLoadProcess } from './push-load.js';

/**
 * bench:push's load generator, in a process of its own (as Sonoran's sender is, so it does not
 * queue behind the bot it measures; started by push-load.ts): POSTs every body with `concurrency` requests in flight, one
 * per keep-alive connection, and reports each one's status and times (epoch ms, high resolution,
 * comparable across processes). It speaks just enough HTTP/1.1 itself: node:http's client cost
 * more than the receiver it measures and capped the run near 4,000 requests a second.
 */

const now = () => performance.timeOrigin + performance.now();
const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection with one request at a time. */
class Connection {
  private socket: Socket | null = null;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | null =
    null;

  constructor(private readonly target: URL) {}

  send(request: Buffer): Promise<number> {
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(request);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private open(): Socket {
    const socket = connect(Number(this.target.port), this.target.hostname);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.socket = null;
      this.received = Buffer.alloc(0);
      this.waiting?.reject(error);
      this.waiting = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    this.socket = socket;
    return socket;
  }

  /** A whole response (headers and Content-Length bytes of body) answers the request. */
  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const headerEnd = this.received.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.received.toString('latin1', 0, headerEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const end = headerEnd + HEADER_END.length + length;
    if (this.received.length < end) return;
    this.received = this.received.subarray(end);
    const status = Number(head.slice(9, 12));
    // The server may end the connection after a refusal: the next request opens another.
    if (/\r\nconnection: *close/i.test(head)) {
      this.socket?.removeAllListeners('close');
      this.socket?.destroy();
      this.socket = null;
    }
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(status);
  }
}

function requestBytes(target: URL, body: string): Buffer {
  const payload = Buffer.from(body);
  const head =
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** Builds the requests, says it is ready, and sends them when told to go. */
async function run(
  { url, bodies, concurrency }: LoadInput,
  go: Promise<void>,
): Promise<LoadResult> {
  const target = new URL(url);
  // Built before the clock starts: the run measures the receiver, not the request building.
  const requests = bodies.map((body) => requestBytes(target, body));
  const result: LoadResult = {
    status: new Array<number>(bodies.length).fill(0),
    sentAt: new Array<number>(bodies.length).fill(0),
    answeredAt: new Array<number>(bodies.length).fill(0),
    cpuMs: 0,
    machineBusySeconds: null,
  };
  process.send!({ type: 'ready' });
  await go;
  const cpu = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  let next = 0;
  const lane = async () => {
    const connection = new Connection(target);
    while (next < requests.length) {
      const i = next;
      next += 1;
      result.sentAt[i] = now();
      try {
        result.status[i] = await connection.send(requests[i]!);
      } catch {
        result.status[i] = -1;
      }
      result.answeredAt[i] = now();
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const used = process.cpuUsage(cpu);
  result.cpuMs = (used.user + used.system) / 1000;
  const machineAfter = machineBusySeconds();
  if (machineBefore !== null && machineAfter !== null)
    result.machineBusySeconds = machineAfter - machineBefore;
  return result;
}

// One run at a time, as push-load.ts asks: run, then go once the parent is measuring.
let go: () => void = () => {};
process.on('message', (message: ToLoadProcess) => {
  if (message.type === 'go') return go();
  const started = new Promise<void>((resolve) => (go = resolve));
  void run(message.input, started).then((result) => process.send!({ type: 'result', result }));
});
