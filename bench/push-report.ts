import type { LoadResult } from './push-load.js';
import { orderInversions, type NoticeWatcher } from './push-notices.js';
import type { PlannedRequest } from './push-plan.js';

/** The figures of one bench:push run, from what was sent, answered and posted. */

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export interface Answers {
  /** Valid events answered 200: when each was sent and answered, by sequence number. */
  accepted: Map<number, { sentAt: number; answeredAt: number }>;
  /** Invalid requests answered 4xx. */
  rejected: number;
  /** Anything else: a valid event not accepted, an invalid one not refused with a 4xx. */
  unexpected: number;
  /** "kind status" → count. */
  byKind: Map<string, number>;
  firstSentAt: number;
  lastAcceptedAt: number;
  /** Accepted events' latencies (ms), sorted; and the refusals'. */
  acceptLatencies: number[];
  rejectLatencies: number[];
}

export function answersOf(requests: PlannedRequest[], load: LoadResult): Answers {
  const accepted = new Map<number, { sentAt: number; answeredAt: number }>();
  const byKind = new Map<string, number>();
  const rejectLatencies: number[] = [];
  let rejected = 0;
  let unexpected = 0;
  requests.forEach((request, i) => {
    const status = load.status[i]!;
    const key = `${request.kind} ${status}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
    const timing = { sentAt: load.sentAt[i]!, answeredAt: load.answeredAt[i]! };
    if (request.kind === 'valid' && status === 200) accepted.set(request.seq, timing);
    else if (request.kind !== 'valid' && status >= 400 && status < 500) {
      rejected += 1;
      rejectLatencies.push(timing.answeredAt - timing.sentAt);
    } else unexpected += 1;
  });
  const timings = [...accepted.values()];
  return {
    accepted,
    rejected,
    unexpected,
    byKind,
    firstSentAt: Math.min(...load.sentAt),
    lastAcceptedAt: Math.max(...timings.map((t) => t.answeredAt)),
    acceptLatencies: timings.map((t) => t.answeredAt - t.sentAt).sort((a, b) => a - b),
    rejectLatencies: rejectLatencies.sort((a, b) => a - b),
  };
}

export interface AcceptFigures {
  eventsPerSecond: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  acceptMaxMs: number;
  rejectP99Ms: number;
}

export function acceptFiguresOf(answers: Answers): AcceptFigures {
  const acceptSeconds = (answers.lastAcceptedAt - answers.firstSentAt) / 1000;
  return {
    eventsPerSecond: answers.accepted.size / acceptSeconds,
    acceptP50Ms: percentile(answers.acceptLatencies, 0.5),
    acceptP99Ms: percentile(answers.acceptLatencies, 0.99),
    acceptMaxMs: answers.acceptLatencies.at(-1) ?? NaN,
    rejectP99Ms: percentile(answers.rejectLatencies, 0.99),
  };
}

export interface DeliveryFigures {
  delivered: number;
  messages: number;
  inversions: number;
  duplicates: number;
  /** From the first request to the last notice. */
  deliverySeconds: number;
}

export function deliveryFiguresOf(answers: Answers, watcher: NoticeWatcher): DeliveryFigures {
  const { accepted } = answers;
  return {
    delivered: watcher.delivered,
    messages: watcher.messages,
    inversions: orderInversions(
      watcher.order.filter((seq) => accepted.has(seq)),
      (seq) => accepted.get(seq)!.sentAt,
      (seq) => accepted.get(seq)!.answeredAt,
    ),
    duplicates: watcher.order.length - watcher.delivered,
    deliverySeconds: (watcher.lastNoticeAt - answers.firstSentAt) / 1000,
  };
}
