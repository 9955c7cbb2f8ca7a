import { EventEmitter } from 'node:events';
import type { APIEmbed } from 'discord.js';
import { apiError } from './errors.js';
import { snowflake } from './ids.js';
import { validateMessage, type MessageBody } from './message-validation.js';
import type { EmulatedMessage } from './types.js';

export const EPHEMERAL = 1 << 6;
export const LOADING = 1 << 7;
/** The flags a sender may set; Ephemeral only means something on interaction responses. */
const SETTABLE = (1 << 2) | (1 << 12) | (1 << 15) | EPHEMERAL;

export interface UploadedFile {
  filename: string;
  size: number;
  contentType?: string;
}

interface MessageEvents {
  create: [message: EmulatedMessage];
  update: [message: EmulatedMessage];
  delete: [message: EmulatedMessage];
}

export interface NewMessage {
  channelId: string;
  guildId: string | null;
  authorId: string;
  body: MessageBody & { message_reference?: EmulatedMessage['messageReference'] };
  files?: UploadedFile[];
  ephemeral?: boolean;
  /** A deferred reply's "thinking" placeholder: empty content is fine. */
  loading?: boolean;
  interaction?: EmulatedMessage['interaction'];
  webhookId?: string | null;
}

/** Every message the bot made, by id and (unless ephemeral) by channel, in order; emits create/update/delete. */
export class MessageStore extends EventEmitter<MessageEvents> {
  private readonly byId = new Map<string, EmulatedMessage>();
  private readonly byChannel = new Map<string, EmulatedMessage[]>();

  constructor(private readonly now: () => number) {
    super();
  }

  create(input: NewMessage): EmulatedMessage {
    const files = input.files ?? [];
    if (!input.loading) validateMessage(input.body, true, files.length);
    // Ephemeral comes from where the message is made (an interaction response), not from the body alone.
    const requested =
      typeof input.body.flags === 'number' ? input.body.flags & SETTABLE & ~EPHEMERAL : 0;
    const message: EmulatedMessage = {
      id: snowflake(),
      channelId: input.channelId,
      guildId: input.guildId,
      authorId: input.authorId,
      content: typeof input.body.content === 'string' ? input.body.content : '',
      embeds: Array.isArray(input.body.embeds) ? (input.body.embeds as APIEmbed[]) : [],
      components: Array.isArray(input.body.components) ? input.body.components : [],
      attachments: files.map((f) => ({
        id: snowflake(),
        filename: f.filename,
        size: f.size,
        ...(f.contentType ? { content_type: f.contentType } : {}),
      })),
      flags: requested | (input.ephemeral ? EPHEMERAL : 0) | (input.loading ? LOADING : 0),
      timestamp: new Date(this.now()).toISOString(),
      editedTimestamp: null,
      ephemeral: input.ephemeral ?? false,
      loading: input.loading ?? false,
      deleted: false,
      interactionId: input.interaction?.id ?? null,
      interaction: input.interaction ?? null,
      webhookId: input.webhookId ?? null,
      messageReference: input.body.message_reference ?? null,
    };
    this.byId.set(message.id, message);
    if (!message.ephemeral) {
      const list = this.byChannel.get(message.channelId) ?? [];
      list.push(message);
      this.byChannel.set(message.channelId, list);
    }
    this.emit('create', message);
    return message;
  }

  /** An edit replaces the fields it carries; editing a "thinking" placeholder turns it into the reply. */
  edit(
    id: string,
    body: MessageBody & { attachments?: unknown },
    files: UploadedFile[] = [],
  ): EmulatedMessage {
    const message = this.get(id);
    if (!message) throw apiError(10008);
    const wasLoading = message.loading;
    validateMessage(body, wasLoading, files.length + (wasLoading ? 0 : message.attachments.length));
    if (body.content !== undefined)
      message.content = typeof body.content === 'string' ? body.content : '';
    if (body.embeds !== undefined)
      message.embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : [];
    if (body.components !== undefined)
      message.components = Array.isArray(body.components) ? body.components : [];
    if (Array.isArray(body.attachments)) {
      const keep = new Set((body.attachments as Array<{ id?: unknown }>).map((a) => String(a.id)));
      message.attachments = message.attachments.filter((a) => keep.has(a.id));
    }
    for (const f of files)
      message.attachments.push({ id: snowflake(), filename: f.filename, size: f.size });
    if (typeof body.flags === 'number') {
      // Only the suppress-embeds and components-v2 bits can change after sending.
      const mutable = (1 << 2) | (1 << 15);
      message.flags = (message.flags & ~mutable) | (body.flags & mutable);
    }
    message.loading = false;
    message.flags &= ~LOADING;
    // Filling a deferred reply is its first appearance, not an edit.
    if (!wasLoading) message.editedTimestamp = new Date(this.now()).toISOString();
    this.emit('update', message);
    return message;
  }

  delete(id: string): void {
    const message = this.get(id);
    if (!message) throw apiError(10008);
    message.deleted = true;
    const list = this.byChannel.get(message.channelId);
    if (list)
      this.byChannel.set(
        message.channelId,
        list.filter((m) => m !== message),
      );
    this.emit('delete', message);
  }

  get(id: string): EmulatedMessage | undefined {
    const message = this.byId.get(id);
    return message && !message.deleted ? message : undefined;
  }

  /** Every message not deleted, in the order they were made. */
  all(): EmulatedMessage[] {
    return [...this.byId.values()].filter((m) => !m.deleted);
  }

  inChannel(channelId: string): EmulatedMessage[] {
    return [...(this.byChannel.get(channelId) ?? [])];
  }
}
