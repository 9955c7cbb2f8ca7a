import { InteractionResponseType as R, InteractionType } from 'discord.js';
import { apiError, DiscordError, invalidFormBody } from './errors.js';
import type { GuildState } from './guild-state.js';
import type {
  InteractionHandle,
  InteractionResponseRecord,
  ModalData,
} from './interaction-handle.js';
import { EPHEMERAL, type MessageStore, type UploadedFile } from './message-store.js';
import { validateChoices, validateModal, type MessageBody } from './message-validation.js';
import { messageJson } from './serialize.js';
import type { EmulatedMessage } from './types.js';

type Json = Record<string, unknown>;

export interface ResponderOptions {
  applicationId: string;
  /** The first callback must arrive within this long after the interaction was created (Discord: 3 s). */
  ackDeadlineMs: number;
  /** Webhook calls (edit, follow-up, fetch, delete) work this long (Discord: 15 min). */
  tokenLifetimeMs: number;
  now: () => number;
}

function interactionOf(handle: InteractionHandle): EmulatedMessage['interaction'] {
  return { id: handle.id, type: handle.type, userId: handle.userId, name: handle.commandName };
}

/** Which callback types Discord accepts for each interaction type. */
function allowedCallbacks(handle: InteractionHandle): number[] {
  switch (handle.type) {
    case InteractionType.ApplicationCommand:
      return [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal];
    case InteractionType.MessageComponent:
      return [
        R.ChannelMessageWithSource,
        R.DeferredChannelMessageWithSource,
        R.DeferredMessageUpdate,
        R.UpdateMessage,
        R.Modal,
      ];
    case InteractionType.ApplicationCommandAutocomplete:
      return [R.ApplicationCommandAutocompleteResult];
    case InteractionType.ModalSubmit:
      return handle.sourceMessageId
        ? [
            R.ChannelMessageWithSource,
            R.DeferredChannelMessageWithSource,
            R.DeferredMessageUpdate,
            R.UpdateMessage,
          ]
        : [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource];
    default:
      return [];
  }
}

/**
 * The interaction side of the REST API: callbacks (once, within the deadline) and the
 * interaction webhook (edit, follow-up, fetch, delete while the token lives). Every call, accepted
 * or refused, is recorded on the interaction's handle.
 */
export class InteractionResponder {
  private readonly byId = new Map<string, InteractionHandle>();
  private readonly byToken = new Map<string, InteractionHandle>();
  readonly all: InteractionHandle[] = [];

  constructor(
    private readonly options: ResponderOptions,
    private readonly state: GuildState,
    private readonly messages: MessageStore,
  ) {}

  register(handle: InteractionHandle): void {
    this.byId.set(handle.id, handle);
    this.byToken.set(handle.token, handle);
    this.all.push(handle);
  }

  setAckDeadline(ms: number): void {
    this.options.ackDeadlineMs = ms;
  }

  setTokenLifetime(ms: number): void {
    this.options.tokenLifetimeMs = ms;
  }

  callback(
    id: string,
    token: string,
    body: Json,
    files: UploadedFile[],
    withResponse: boolean,
  ): Json | null {
    const handle = this.byId.get(id);
    if (!handle || handle.token !== token) throw apiError(10062);
    const type = typeof body.type === 'number' ? body.type : -1;
    const data = (body.data ?? {}) as Json;
    return this.recorded(handle, 'callback', type, null, body, () => {
      if (handle.acknowledgedWith !== null) throw apiError(40060);
      if (this.options.now() - handle.createdAt > this.options.ackDeadlineMs) throw apiError(10062);
      if (!allowedCallbacks(handle).includes(type)) {
        throw invalidFormBody([
          {
            path: ['type'],
            code: 'INTERACTION_RESPONSE_TYPE_INVALID',
            message: `Interaction response type ${type} is not valid for this interaction`,
          },
        ]);
      }
      const message = this.applyCallback(handle, type, data, files);
      handle.acknowledgedWith = type;
      handle.ackLatencyMs = this.options.now() - handle.createdAt;
      if (!withResponse) return { message, answer: null };
      const answer = {
        interaction: {
          id: handle.id,
          type: handle.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: message.loading,
                response_message_ephemeral: message.ephemeral,
              }
            : {}),
        },
        resource: {
          type,
          ...(message && type !== R.DeferredMessageUpdate
            ? { message: messageJson(this.state, message) }
            : {}),
        },
      };
      return { message, answer };
    });
  }

  private applyCallback(
    handle: InteractionHandle,
    type: number,
    data: Json,
    files: UploadedFile[],
  ): EmulatedMessage | null {
    const base = {
      channelId: handle.channelId,
      guildId: handle.guildId,
      authorId: this.state.botUser.id,
      interaction: interactionOf(handle),
      webhookId: this.options.applicationId,
    };
    const ephemeral = typeof data.flags === 'number' && (data.flags & EPHEMERAL) !== 0;
    switch (type) {
      case R.ChannelMessageWithSource: {
        const message = this.messages.create({
          ...base,
          body: data as MessageBody,
          files,
          ephemeral,
        });
        handle.originalMessageId = message.id;
        return message;
      }
      case R.DeferredChannelMessageWithSource: {
        const message = this.messages.create({ ...base, body: {}, ephemeral, loading: true });
        handle.originalMessageId = message.id;
        return message;
      }
      case R.DeferredMessageUpdate: {
        const message = this.messages.get(handle.sourceMessageId!);
        if (!message) throw apiError(10008);
        handle.originalMessageId = message.id;
        return message;
      }
      case R.UpdateMessage: {
        const message = this.messages.edit(handle.sourceMessageId!, data as MessageBody, files);
        handle.originalMessageId = message.id;
        return message;
      }
      case R.ApplicationCommandAutocompleteResult:
        validateChoices(data.choices);
        handle.choices = structuredClone(data.choices) as InteractionHandle['choices'];
        return null;
      case R.Modal:
        validateModal(data);
        handle.modalData = structuredClone(data) as unknown as ModalData;
        return null;
      default:
        return null;
    }
  }

  /** Finds the interaction behind a webhook call; an unknown token is an unknown webhook, an old one is invalid. */
  private webhook(applicationId: string, token: string): InteractionHandle {
    const handle = this.byToken.get(token);
    if (!handle || applicationId !== this.options.applicationId) throw apiError(10015);
    if (this.options.now() - handle.createdAt > this.options.tokenLifetimeMs) throw apiError(50027);
    return handle;
  }

  private target(handle: InteractionHandle, target: string): string {
    const id =
      target === '@original'
        ? handle.originalMessageId
        : handle.followUpIds.includes(target) || target === handle.originalMessageId
          ? target
          : null;
    if (!id || !this.messages.get(id)) throw apiError(10008);
    return id;
  }

  edit(
    applicationId: string,
    token: string,
    target: string,
    body: Json,
    files: UploadedFile[],
  ): Json {
    return this.onWebhook(applicationId, token, 'edit', target, body, (handle) => {
      const message = this.messages.edit(this.target(handle, target), body as MessageBody, files);
      return { message, answer: messageJson(this.state, message) };
    });
  }

  /** A follow-up; the first one after a deferred reply fills the "thinking" message instead (Discord does this). */
  followUp(applicationId: string, token: string, body: Json, files: UploadedFile[]): Json {
    return this.onWebhook(applicationId, token, 'followup', null, body, (handle) => {
      if (handle.acknowledgedWith === null) throw apiError(10015);
      const original = handle.originalMessageId
        ? this.messages.get(handle.originalMessageId)
        : undefined;
      if (original?.loading && handle.acknowledgedWith === R.DeferredChannelMessageWithSource) {
        const message = this.messages.edit(original.id, body as MessageBody, files);
        return { message, answer: messageJson(this.state, message) };
      }
      const ephemeral = typeof body.flags === 'number' && (body.flags & EPHEMERAL) !== 0;
      const message = this.messages.create({
        channelId: handle.channelId,
        guildId: handle.guildId,
        authorId: this.state.botUser.id,
        body: body as MessageBody,
        files,
        ephemeral,
        interaction: interactionOf(handle),
        webhookId: this.options.applicationId,
      });
      handle.followUpIds.push(message.id);
      return { message, answer: messageJson(this.state, message) };
    });
  }

  fetch(applicationId: string, token: string, target: string): Json {
    return this.onWebhook(applicationId, token, 'fetch', target, null, (handle) => {
      const message = this.messages.get(this.target(handle, target))!;
      return { message, answer: messageJson(this.state, message) };
    });
  }

  delete(applicationId: string, token: string, target: string): void {
    this.onWebhook(applicationId, token, 'delete', target, null, (handle) => {
      const id = this.target(handle, target);
      const message = structuredClone(this.messages.get(id)!);
      this.messages.delete(id);
      return { message: { ...message, deleted: true }, answer: null };
    });
  }

  private onWebhook<T>(
    applicationId: string,
    token: string,
    kind: InteractionResponseRecord['kind'],
    target: string | null,
    body: unknown,
    run: (handle: InteractionHandle) => { message: EmulatedMessage | null; answer: T },
  ): T {
    const handle = this.byToken.get(token);
    if (!handle) throw apiError(10015);
    return this.recorded(handle, kind, null, target, body, () =>
      run(this.webhook(applicationId, token)),
    );
  }

  /** Runs one response and records it on the handle, refused or not. */
  private recorded<T>(
    handle: InteractionHandle,
    kind: InteractionResponseRecord['kind'],
    callbackType: number | null,
    target: string | null,
    body: unknown,
    run: () => { message: EmulatedMessage | null; answer: T },
  ): T {
    const at = this.options.now();
    const sinceDispatchMs = at - handle.createdAt;
    try {
      const { message, answer } = run();
      handle.record({
        kind,
        callbackType,
        target,
        at,
        sinceDispatchMs,
        status: answer === null ? 204 : 200,
        error: null,
        body,
        message: message ? structuredClone(message) : null,
      });
      return answer;
    } catch (error) {
      if (error instanceof DiscordError) {
        handle.record({
          kind,
          callbackType,
          target,
          at,
          sinceDispatchMs,
          status: error.status,
          error: { code: error.code, message: error.message },
          body,
          message: null,
        });
      }
      throw error;
    }
  }
}
