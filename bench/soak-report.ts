import type { CmsEmulator } from '../src/cms/emulator/server.js';
import type { LogLine } from './node-process.js';
import type { InteractionLog } from './soak-interactions.js';
import type { NoticeFigures } from './soak-notices.js';
import type { PushEvents } from './soak-push.js';

/** What the CMS emulator, the independent judge of pacing, saw over the whole soak. */
export interface PacingFigures {
  cmsCalls: number;
  /** 429s the emulator sent. */
  violations: number;
  /** Budgets whose most requests in any sliding window exceeded their limit: "name max/limit". */
  overLimit: string[];
}

export function pacingFigures(cms: CmsEmulator): PacingFigures {
  const rows = cms.limiter.stats();
  return {
    cmsCalls: rows.reduce((sum, row) => sum + row.requests, 0),
    violations: rows.reduce((sum, row) => sum + row.rateLimited, 0),
    overLimit: rows
      .filter((row) => row.maxInWindow > row.limit)
      .map((row) => `${row.operation} ${row.maxInWindow}/${row.limit}`),
  };
}

/** One line per budget the soak used: limit, requests, 429s, most in any window. */
export function budgetTable(cms: CmsEmulator): string[] {
  const rows = [...cms.limiter.stats()].sort((a, b) => a.operation.localeCompare(b.operation));
  return [
    'budget                   limit  requests  429s  max/window',
    ...rows.map(
      (row) =>
        `${row.operation.padEnd(24)} ${String(row.limit).padStart(5)} ${String(row.requests).padStart(9)} ${String(row.rateLimited).padStart(5)} ${String(row.maxInWindow).padStart(11)}`,
    ),
  ];
}

/** Log lines at warn and above, by message, most frequent first: "12× message". */
export function warningSummary(lines: LogLine[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line.msg, (counts.get(line.msg) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([msg, count]) => `${count}× ${msg}`);
}

export interface SoakDetails {
  cms: CmsEmulator;
  interactions: InteractionLog;
  notices: NoticeFigures;
  /** Cases whose notice does not show both halves done. */
  unsettled: string[];
  push: PushEvents;
  /** Dispatches Discord could not deliver (no bot session). */
  notDelivered: number;
  botWarnings: LogLine[];
  workerWarnings: LogLine[];
}

/** The lines before the JSON: per budget, interactions, notices (and which ones went wrong), push, logs. */
export function printDetails(d: SoakDetails): void {
  const i = d.interactions.figures();
  const { notices } = d;
  for (const line of budgetTable(d.cms)) console.log(line);
  const kinds = Object.entries(i.byKind).map(([kind, n]) => `${kind} ${n}`);
  console.log(
    `interactions: ${i.interactions} (${kinds.join(', ')}); answered ${i.answered}, ` +
      `${i.errorAnswers} with an error id, ${i.tryAgainAnswers} "try again"; ` +
      `acknowledged p99 ${i.acknowledgedP99Ms} ms, answered p50 ${i.answeredP50Ms} / p99 ${i.answeredP99Ms} ms` +
      (i.unanswered > 0 ? `; UNANSWERED ${JSON.stringify(i.unansweredKinds)}` : ''),
  );
  const byKind = Object.entries(notices.byKind).map(
    ([kind, n]) => `${kind} ${n.delivered}/${n.expected}`,
  );
  console.log(
    `notices: ${notices.delivered}/${notices.expected} expected seen in ${notices.messages} messages (${byKind.join(', ')}); ` +
      `renames posted from push ${notices.changesBy.push}, from reconciliation ${notices.changesBy.reconciliation}; ` +
      `lost ${notices.lost}, duplicates ${notices.duplicates}, unexpected ${notices.unexpected.length}`,
  );
  for (const key of notices.lostKeys.slice(0, 10)) console.log(`  lost: ${key}`);
  for (const key of notices.unexpected.slice(0, 10)) console.log(`  unexpected: ${key}`);
  for (const key of notices.duplicateKeys.slice(0, 30)) console.log(`  duplicated: ${key}`);
  for (const title of d.unsettled) console.log(`  unsettled: ${title}`);
  for (const text of d.interactions.errorTexts().slice(0, 5))
    console.log(`  error answer: ${text}`);
  const { push } = d;
  console.log(
    `push: ${push.accepted} accepted, ${push.refused} refused, ${push.failed} without an answer, ${push.unexpected} unexpected ${JSON.stringify(Object.fromEntries(push.unexpectedAnswers))}; ` +
      `CMS panel pushes ${JSON.stringify(d.cms.push?.stats() ?? null)}; dispatches not delivered ${d.notDelivered}`,
  );
  for (const line of warningSummary(d.botWarnings).slice(0, 10)) console.log(`  bot: ${line}`);
  for (const line of warningSummary(d.workerWarnings).slice(0, 10))
    console.log(`  worker: ${line}`);
}
