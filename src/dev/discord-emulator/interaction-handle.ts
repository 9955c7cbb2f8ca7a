import { EventEmitter } from 'node:events';
import type { MessageStore } from './message-store.js';
import type { EmulatedMessage } from './types.js';

export interface InteractionResponseRecord {
  /** callback: POST .../callback; edit / fetch / delete: the webhook message routes; followup: POST /webhooks/{app}/{token}. */
  kind: 'callback' | 'edit' | 'followup' | 'fetch' | 'delete';
  /** The callback type (4 reply, 5 defer, 6 defer update, 7 update, 8 choices, 9 modal); null for webhook calls. */
  callbackType: number | null;
  /** For webhook calls: '@original' or a follow-up's message id. */
  target: string | null;
  /** When it reached the emulator (the emulator's clock, epoch ms). */
  at: number;
  /** Time since the interaction was created, in ms (fractional). */
  sinceDispatchMs: number;
  /** The HTTP status answered; refused responses are recorded too. */
  status: number;
  error: { code: number; message: string } | null;
  /** The request body (JSON). */
  body: unknown;
  /** The message this response made or changed, as it was right after. */
  message: EmulatedMessage | null;
}

export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

export interface ModalData {
  custom_id: string;
  title: string;
  components: unknown[];
}

const DEFAULT_WAIT_MS = 5_000;

function snapshot(message: EmulatedMessage | undefined | null): EmulatedMessage | null {
  return message ? structuredClone(message) : null;
}

/**
 * One injected interaction and everything the bot answered to it, in order. Waiting is
 * event-driven: each method checks what already arrived, then listens for what comes next.
 */
export class InteractionHandle {
  readonly responses: InteractionResponseRecord[] = [];
  /** The callback type that acknowledged it, once acknowledged. */
  acknowledgedWith: number | null = null;
  /** Dispatch to first successful callback, ms (fractional); what an acknowledgement benchmark reports. */
  ackLatencyMs: number | null = null;
  originalMessageId: string | null = null;
  readonly followUpIds: string[] = [];
  choices: AutocompleteChoice[] | null = null;
  modalData: ModalData | null = null;
  private readonly events = new EventEmitter();

  readonly id: string;
  readonly token: string;
  /** The interaction type: 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  readonly type: number;
  /** The INTERACTION_CREATE payload as sent. */
  readonly payload: Record<string, unknown>;
  /** The emulator's clock at creation (epoch ms, fractional). */
  readonly createdAt: number;
  /** The invoking user. */
  readonly userId: string;
  /** The command's name for commands and autocomplete; null for components and modals. */
  readonly commandName: string | null;
  readonly channelId: string;
  readonly guildId: string | null;
  /** For component interactions (and modals opened from one): the message the component is on. */
  readonly sourceMessageId: string | null;

  constructor(
    init: Pick<
      InteractionHandle,
      | 'id'
      | 'token'
      | 'type'
      | 'payload'
      | 'createdAt'
      | 'userId'
      | 'commandName'
      | 'channelId'
      | 'guildId'
      | 'sourceMessageId'
    >,
    private readonly messages: MessageStore,
  ) {
    this.id = init.id;
    this.token = init.token;
    this.type = init.type;
    this.payload = init.payload;
    this.createdAt = init.createdAt;
    this.userId = init.userId;
    this.commandName = init.commandName;
    this.channelId = init.channelId;
    this.guildId = init.guildId;
    this.sourceMessageId = init.sourceMessageId;
    this.events.setMaxListeners(0);
  }

  /** Called by the emulator for each response, accepted or refused. */
  record(response: InteractionResponseRecord): void {
    this.responses.push(response);
    this.events.emit('response', response);
  }

  /** Calls `listener` for every later response; returns an unsubscribe. */
  onResponse(listener: (response: InteractionResponseRecord) => void): () => void {
    this.events.on('response', listener);
    return () => this.events.off('response', listener);
  }

  get isAcknowledged(): boolean {
    return this.acknowledgedWith !== null;
  }

  /** Resolves with the first accepted callback (the acknowledgement). */
  acknowledged(timeoutMs = DEFAULT_WAIT_MS): Promise<InteractionResponseRecord> {
    return this.waitFor((r) => r.kind === 'callback' && r.status < 300, timeoutMs);
  }

  /** Resolves with the first response (past or future) matching the predicate; rejects after `timeoutMs`. */
  waitFor(
    predicate: (response: InteractionResponseRecord) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<InteractionResponseRecord> {
    const found = this.responses.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onResponse = (response: InteractionResponseRecord): void => {
        if (!predicate(response)) return;
        cleanup();
        resolve(response);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `interaction ${this.id}: no matching response within ${timeoutMs} ms; got ${this.describe()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('response', onResponse);
      };
      this.events.on('response', onResponse);
    });
  }

  /**
   * Resolves with the visible original response once it is a real message (not a "thinking"
   * placeholder) and matches the predicate: the usual way to await "the bot answered".
   */
  async reply(
    predicate: (message: EmulatedMessage) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<EmulatedMessage> {
    const ready = (): EmulatedMessage | null => {
      const message = this.current();
      return message && !message.loading && predicate(message) ? message : null;
    };
    const now = ready();
    if (now) return now;
    await this.waitFor(() => ready() !== null, timeoutMs);
    return ready()!;
  }

  /** The original response as users see it now (after every edit); null before one exists or after it was deleted. */
  current(): EmulatedMessage | null {
    return this.originalMessageId ? snapshot(this.messages.get(this.originalMessageId)) : null;
  }

  followUps(): EmulatedMessage[] {
    return this.followUpIds
      .map((id) => snapshot(this.messages.get(id)))
      .filter((m): m is EmulatedMessage => m !== null);
  }

  autocompleteChoices(): AutocompleteChoice[] | null {
    return this.choices ? structuredClone(this.choices) : null;
  }

  /** The modal the bot showed (callback 9), if any. */
  modal(): ModalData | null {
    return this.modalData ? structuredClone(this.modalData) : null;
  }

  private describe(): string {
    if (this.responses.length === 0) return 'no responses';
    return this.responses
      .map(
        (r) =>
          `${r.kind}${r.callbackType === null ? '' : ` type ${r.callbackType}`} → ${r.status}${r.error ? ` (${r.error.code})` : ''}`,
      )
      .join(', ');
  }
}
