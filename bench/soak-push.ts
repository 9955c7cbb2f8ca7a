import { startLoadGenerator } from './push-load.js';
import { plan } from './push-plan.js';
import type { Gate, Stop } from './soak-control.js';
import { PUSH_PREFIX, type NoticeLedger } from './soak-notices.js';

/** Events go in batches this far apart: big enough that a batch holds some invalid ones. */
const BATCH_MS = 2_000;

export interface PushOptions {
  /** The bot's push receiver, and the community key it expects. */
  url: string;
  apiKey: string;
  ledger: NoticeLedger;
  gate: Gate;
  stop: Stop;
  /** Valid events a second (each a new account: one notice each). */
  perSecond: number;
  /** The share of all requests that are invalid (a wrong key, broken JSON, …). */
  invalidShare: number;
}

/**
 * Sonoran's push sender, in a process of its own (bench:push's load generator): a batch of
 * events every two seconds, bench:push's mix of first sightings, bans and kicks of new accounts with
 * invalid requests among them. Each valid event answered 200 expects its notice.
 */
export class PushEvents {
  accepted = 0;
  refused = 0;
  /** Requests whose connection failed (no answer at all). */
  failed = 0;
  /** A valid event not accepted, or an invalid one not refused with a 4xx. */
  unexpected = 0;
  /** What those unexpected answers were, e.g. `valid 503: 2`. */
  readonly unexpectedAnswers = new Map<string, number>();
  private readonly load = startLoadGenerator();
  private nextSeq = 0;

  constructor(private readonly options: PushOptions) {}

  async run(): Promise<void> {
    const { url, apiKey, ledger, gate, stop, perSecond, invalidShare } = this.options;
    while (!stop.stopped) {
      await gate.passed();
      if (stop.stopped) break;
      const began = performance.now();
      const events = Math.round((perSecond * BATCH_MS) / 1_000);
      const requests = plan(events, invalidShare, apiKey, PUSH_PREFIX, this.nextSeq);
      this.nextSeq += events;
      const result = await this.load.send({
        url,
        bodies: requests.map((r) => r.body),
        concurrency: 4,
      });
      requests.forEach((request, i) => {
        const status = result.status[i]!;
        if (request.kind === 'valid' && status === 200) {
          this.accepted += 1;
          ledger.expect(`push:${request.seq}`, 'push');
        } else if (request.kind !== 'valid' && status >= 400 && status < 500) this.refused += 1;
        else if (status === -1) this.failed += 1;
        else {
          this.unexpected += 1;
          const what = `${request.kind} ${status}`;
          this.unexpectedAnswers.set(what, (this.unexpectedAnswers.get(what) ?? 0) + 1);
        }
      });
      await stop.pause(BATCH_MS - (performance.now() - began));
    }
  }

  close(): void {
    this.load.stop();
  }
}
