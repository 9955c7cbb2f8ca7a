import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through in front of the Discord emulator's REST API that can hold back chosen
 * requests until the test releases them: how a test keeps an interaction under way for as
 * long as it needs, without waiting on a clock.
 */
export async function holdingProxy(apiUrl: string) {
  const upstream = new URL(apiUrl);
  let rule: { matches: (method: string, path: string) => boolean; gate: Promise<void> } | null =
    null;
  let onHeld: (() => void) | null = null;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        if (rule?.matches(req.method ?? '', req.url ?? '')) {
          onHeld?.();
          await rule.gate;
        }
        const forward = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    /** Holds matching requests from now on; `held` resolves when the first one arrives. */
    hold(matches: (method: string, path: string) => boolean) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const held = new Promise<void>((resolve) => (onHeld = resolve));
      rule = { matches, gate };
      return { held, release };
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
