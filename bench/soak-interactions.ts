import type {
  EmulatedMessage,
  InteractionHandle,
  InteractionResponseRecord,
} from '../src/dev/discord-emulator/index.js';

/**
 * Every interaction bench:soak dispatched (slash commands, button clicks, autocomplete) and
 * whether the member got an answer: for a command or a click, a reply that is neither
 * "thinking…" nor the "⏳ …" notice; for autocomplete, its choices.
 */

/** A reply that is the answer: not "thinking…", not the "⏳ Queued…" or "⏳ Banning…" line. */
export const isFinal = (m: EmulatedMessage) => !m.loading && !m.content.startsWith('⏳');
/** The bot's answer to something unexpected carries an error id (and is in its log). */
const ERROR_ID = /error id/i;
/** A restart, or Discord or the CMS not answering: the member is asked to try again. */
const TRY_AGAIN = /try again/i;

interface Dispatched {
  kind: string;
  handle: InteractionHandle;
  answered: boolean;
  text: string;
  /** Dispatch to the final answer (ms), or null. */
  answerMs: number | null;
}

export interface InteractionFigures {
  interactions: number;
  answered: number;
  unanswered: number;
  /** Kinds of the unanswered ones, with counts. */
  unansweredKinds: Record<string, number>;
  errorAnswers: number;
  tryAgainAnswers: number;
  acknowledgedP99Ms: number | null;
  answeredP50Ms: number | null;
  answeredP99Ms: number | null;
  byKind: Record<string, number>;
}

const percentile = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10;
};

export class InteractionLog {
  private readonly all: Dispatched[] = [];

  constructor(private readonly answerTimeoutMs: number) {}

  /** Waits for the final reply of a command or click; null if none came in time. */
  async reply(kind: string, handle: InteractionHandle): Promise<EmulatedMessage | null> {
    const record = this.add(kind, handle);
    const message = await handle.reply(isFinal, this.answerTimeoutMs).catch(() => null);
    if (message) {
      record.answered = true;
      record.text = message.content;
      record.answerMs = finalResponse(handle)?.sinceDispatchMs ?? null;
    }
    return message;
  }

  /** Waits for an autocomplete's choices; false if none came in time. */
  async choices(kind: string, handle: InteractionHandle): Promise<boolean> {
    const record = this.add(kind, handle);
    const response = await handle
      .waitFor((r) => r.callbackType === 8 && r.status < 300, this.answerTimeoutMs)
      .catch(() => null);
    if (response) {
      record.answered = true;
      record.answerMs = response.sinceDispatchMs;
    }
    return response !== null;
  }

  figures(): InteractionFigures {
    const unanswered = this.all.filter((d) => !d.answered);
    const count = (items: Dispatched[]) => {
      const counts: Record<string, number> = {};
      for (const d of items) counts[d.kind] = (counts[d.kind] ?? 0) + 1;
      return counts;
    };
    const answerTimes = this.all.map((d) => d.answerMs).filter((ms): ms is number => ms !== null);
    return {
      interactions: this.all.length,
      answered: this.all.length - unanswered.length,
      unanswered: unanswered.length,
      unansweredKinds: count(unanswered),
      errorAnswers: this.all.filter((d) => ERROR_ID.test(d.text)).length,
      tryAgainAnswers: this.all.filter((d) => TRY_AGAIN.test(d.text)).length,
      acknowledgedP99Ms: percentile(
        this.all.map((d) => d.handle.ackLatencyMs).filter((ms): ms is number => ms !== null),
        0.99,
      ),
      answeredP50Ms: percentile(answerTimes, 0.5),
      answeredP99Ms: percentile(answerTimes, 0.99),
      byKind: count(this.all),
    };
  }

  /** Answers that carried an error id, for the report. */
  errorTexts(): string[] {
    return this.all.filter((d) => ERROR_ID.test(d.text)).map((d) => `${d.kind}: ${d.text}`);
  }

  private add(kind: string, handle: InteractionHandle): Dispatched {
    const record: Dispatched = { kind, handle, answered: false, text: '', answerMs: null };
    this.all.push(record);
    return record;
  }
}

/** The accepted response that made the reply final. */
function finalResponse(handle: InteractionHandle): InteractionResponseRecord | undefined {
  return handle.responses.find((r) => r.status < 300 && r.message !== null && isFinal(r.message));
}
