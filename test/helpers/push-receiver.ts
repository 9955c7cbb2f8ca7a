import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  key: string;
  type: string;
  data: Record<string, unknown>;
}

/** A stand-in for the bot's push endpoint that records every event it is sent. */
export async function startPushReceiver(): Promise<{
  url: string;
  received: ReceivedPush[];
  close: () => Promise<void>;
}> {
  const received: ReceivedPush[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedPush);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sonorancms/events`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
