import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  GuildMember,
  HTTPError,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type Guild,
  type InteractionCallbackResponse,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import {
  DEFAULT_IDS,
  option,
  renderMessage,
  startDiscordEmulator,
  type DiscordEmulator,
} from '../../src/dev/discord-emulator/index.js';

const { guild: GUILD, users, roles, channels } = DEFAULT_IDS;

const commands = [
  new SlashCommandBuilder()
    .setName('mod')
    .setDescription('Staff actions')
    .setDefaultMemberPermissions(PermissionFlagsBits.BanMembers)
    .addSubcommand((s) =>
      s
        .setName('ban')
        .setDescription('Ban a member')
        .addUserOption((o) => o.setName('target').setDescription('Who').setRequired(true))
        .addStringOption((o) =>
          o.setName('reason').setDescription('Why').setRequired(true).setAutocomplete(true),
        )
        .addIntegerOption((o) => o.setName('days').setDescription('Days of messages to delete')),
    ),
  new SlashCommandBuilder()
    .setName('clock')
    .setDescription('Clock in or out')
    .addSubcommand((s) => s.setName('in').setDescription('Clock in')),
  new SlashCommandBuilder().setName('ping').setDescription('Are you there?'),
].map((c) => c.toJSON());

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function apiCode(code: number) {
  return (error: unknown): boolean => {
    assert.ok(
      error instanceof DiscordAPIError,
      `expected a DiscordAPIError ${code}, got ${String(error)}`,
    );
    assert.equal(error.code, code);
    return true;
  };
}

function newClient(emulator: DiscordEmulator): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildModeration,
      GatewayIntentBits.GuildMessages,
    ],
    rest: { api: emulator.apiUrl },
  });
}

describe('Discord emulator, driven by the real discord.js client', () => {
  let emulator: DiscordEmulator;
  let client: Client;
  let guild: Guild;
  let handler: ((interaction: Interaction) => Promise<void>) | null = null;
  const problems: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void problems.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    // Discord's shape of limits (5 messages per channel) over a shorter window, so tests that send a few don't wait long.
    emulator = await startDiscordEmulator({
      heartbeatIntervalMs: 1_000,
      rateLimits: { channelMessages: { limit: 5, windowMs: 1_000 } },
    });
    client = newClient(emulator);
    client.on(Events.Error, (error) => problems.push(error));
    client.on(Events.InteractionCreate, (interaction) => {
      if (!handler)
        return void problems.push(
          new Error(`interaction ${interaction.id} arrived with no handler set`),
        );
      handler(interaction).catch((error: unknown) => problems.push(error));
    });
    const ready = once(client, Events.ClientReady);
    await client.login(emulator.token);
    await ready;
    guild = client.guilds.cache.get(GUILD)!;
    await client.rest.put(Routes.applicationGuildCommands(client.application!.id, GUILD), {
      body: commands,
    });
  });

  afterEach(() => {
    handler = null;
    assert.deepEqual(problems.splice(0), []);
    assert.deepEqual(emulator.internalErrors, []);
  });

  after(async () => {
    await client.destroy();
    await emulator.close();
    process.off('unhandledRejection', onUnhandled);
  });

  describe('login and the guild cache', () => {
    it('logs in and caches the guild with its roles, channels and members', () => {
      assert.equal(client.user?.id, DEFAULT_IDS.bot);
      assert.equal(client.application?.id, DEFAULT_IDS.application);
      assert.equal(guild.ownerId, users.owner);
      assert.equal(guild.roles.everyone.id, GUILD);
      assert.deepEqual(
        [...guild.roles.cache.values()].sort((a, b) => a.position - b.position).map((r) => r.name),
        ['@everyone', 'Member', 'Staff', 'Sonoran CMS', 'Admin'],
      );
      assert.equal(guild.channels.cache.get(channels.audit)?.name, 'audit');
      assert.equal(guild.members.cache.size, 6);
      const me = guild.members.me!;
      assert.equal(me.roles.highest.id, roles.bot);
      assert.ok(me.roles.highest.managed);
      assert.ok(me.permissions.has(PermissionFlagsBits.BanMembers));
      assert.ok(
        me.permissionsIn(channels.audit).has(PermissionFlagsBits.SendMessages),
        'the bot role overwrite allows posting in #audit',
      );
      assert.ok(
        !guild.members.cache
          .get(users.member)!
          .permissionsIn(channels.audit)
          .has(PermissionFlagsBits.SendMessages),
      );
      assert.ok(guild.members.cache.get(users.staff)!.bannable);
      assert.ok(!guild.members.cache.get(users.admin)!.bannable, 'Admin is above the bot');
      assert.ok(!guild.members.cache.get(users.owner)!.kickable);
    });

    it('serves guild, role, channel and application reads over REST', async () => {
      const fetched = await guild.fetch();
      assert.equal(fetched.name, 'Blaine County Roleplay');
      const rolesFetched = await guild.roles.fetch(undefined, { force: true });
      assert.equal(
        rolesFetched.get(roles.staff)?.permissions.has(PermissionFlagsBits.KickMembers),
        true,
      );
      const channelsFetched = await guild.channels.fetch(undefined, { force: true });
      assert.deepEqual(
        [...channelsFetched.keys()].sort(),
        [channels.general, channels.audit].sort(),
      );
      const audit = (await client.channels.fetch(channels.audit, { force: true })) as TextChannel;
      assert.equal(audit.permissionOverwrites.cache.size, 2);
      assert.equal((await client.application!.fetch()).id, DEFAULT_IDS.application);
      await assert.rejects(
        client.channels.fetch('1100000000000000997', { force: true }),
        apiCode(10003),
      );
    });

    it('refuses a wrong token with TokenInvalid', async () => {
      const other = new Client({
        intents: [GatewayIntentBits.Guilds],
        rest: { api: emulator.apiUrl },
      });
      await assert.rejects(
        other.login('not-the-token'),
        (error: Error & { code?: string }) => error.code === 'TokenInvalid',
      );
      await other.destroy();
      assert.equal(emulator.requests.at(-1)?.status, 401);
    });

    it('answers member chunk requests (op 8) and member fetches', async () => {
      const all = await guild.members.fetch();
      assert.equal(all.size, 6);
      const some = await guild.members.fetch({ user: [users.staff, users.member] });
      assert.deepEqual([...some.keys()].sort(), [users.staff, users.member].sort());
      const one = await guild.members.fetch({ user: users.owner, force: true });
      assert.equal(one.user.username, 'owner.olivia');
      await assert.rejects(
        guild.members.fetch({ user: '1100000000000000999', force: true }),
        apiCode(10007),
      );
    });
  });

  describe('commands', () => {
    it('stores guild commands with ids, keeps ids on overwrite and validates definitions', async () => {
      const first = emulator.registeredCommands(GUILD);
      assert.deepEqual(
        first.map((c) => c.name),
        ['mod', 'clock', 'ping'],
      );
      assert.equal(first[0]?.default_member_permissions, String(PermissionFlagsBits.BanMembers));
      const again = (await client.rest.put(
        Routes.applicationGuildCommands(DEFAULT_IDS.application, GUILD),
        { body: commands },
      )) as Array<{ id: string }>;
      assert.deepEqual(
        again.map((c) => c.id),
        first.map((c) => c.id),
      );
      assert.deepEqual(emulator.registeredCommands(), [], 'global commands are a separate list');
      await assert.rejects(
        client.rest.put(Routes.applicationGuildCommands(DEFAULT_IDS.application, GUILD), {
          body: [{ name: 'Bad Name', description: 'x' }],
        }),
        apiCode(50035),
      );
      assert.equal(
        emulator.registeredCommands(GUILD).length,
        3,
        'a refused overwrite changes nothing',
      );
    });
  });

  describe('interactions', () => {
    it('delivers a slash command with a subcommand, a resolved member and the invoker’s permissions', async () => {
      const seen = deferred<ChatInputCommandInteraction>();
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        seen.resolve(interaction);
        await interaction.reply({ content: 'Noted', flags: MessageFlags.Ephemeral });
      };
      const handle = emulator.slashCommand({
        user: users.staff,
        name: 'mod',
        subcommand: 'ban',
        options: { target: users.member, reason: 'RDM', days: 2 },
      });
      const interaction = await seen.promise;
      assert.ok(interaction instanceof ChatInputCommandInteraction);
      assert.equal(interaction.commandName, 'mod');
      assert.equal(interaction.commandId, emulator.registeredCommands(GUILD)[0]?.id);
      assert.equal(interaction.options.getSubcommand(), 'ban');
      assert.equal(interaction.options.getUser('target', true).username, 'member.mia');
      const target = interaction.options.getMember('target');
      assert.ok(target instanceof GuildMember);
      assert.ok(target.roles.cache.has(roles.member));
      assert.equal(interaction.options.getString('reason'), 'RDM');
      assert.equal(interaction.options.getInteger('days'), 2);
      assert.ok(interaction.memberPermissions?.has(PermissionFlagsBits.BanMembers));
      assert.ok(!interaction.memberPermissions?.has(PermissionFlagsBits.Administrator));
      assert.ok(interaction.appPermissions.has(PermissionFlagsBits.BanMembers));
      assert.equal(interaction.channelId, channels.general);
      assert.equal(interaction.guildId, GUILD);
      assert.equal(interaction.locale, 'en-US');
      const reply = await handle.reply();
      assert.equal(reply.content, 'Noted');
      assert.ok(reply.ephemeral);
      assert.equal(
        emulator.messages(channels.general).some((m) => m.id === reply.id),
        false,
        'ephemeral replies are not channel messages',
      );
    });

    it('gives the owner every permission and checks options against the registered command', async () => {
      const seen = deferred<ChatInputCommandInteraction>();
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        seen.resolve(interaction);
        await interaction.reply('ok');
      };
      emulator.slashCommand({ user: users.owner, name: 'ping' });
      const interaction = await seen.promise;
      assert.ok(interaction.memberPermissions?.has(PermissionFlagsBits.Administrator));
      assert.throws(
        () =>
          emulator.slashCommand({
            user: users.staff,
            name: 'mod',
            subcommand: 'ban',
            options: { reason: 'x' },
          }),
        /missing required option\(s\) target/,
      );
      assert.throws(
        () => emulator.slashCommand({ user: users.staff, name: 'ping', options: { nope: 1 } }),
        /has no option "nope"/,
      );
      assert.throws(
        () => emulator.slashCommand({ user: users.staff, name: 'clock' }),
        /needs a subcommand/,
      );
    });

    it('types options of unregistered commands explicitly', async () => {
      const seen = deferred<ChatInputCommandInteraction>();
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        seen.resolve(interaction);
        await interaction.reply('ok');
      };
      emulator.slashCommand({
        user: users.staff,
        name: 'lookup',
        options: { who: option.user(users.admin), where: option.channel(channels.audit) },
      });
      const interaction = await seen.promise;
      assert.equal(interaction.options.getUser('who')?.id, users.admin);
      assert.equal(interaction.options.getChannel('where')?.id, channels.audit);
    });

    it('records deferReply (ephemeral), editReply, followUp and fetchReply in order', async () => {
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply({
          content: 'Clocked in',
          embeds: [
            new EmbedBuilder().setTitle('Shift').addFields({ name: 'Start', value: '14:02' }),
          ],
        });
        await interaction.followUp({
          content: 'Remember to clock out',
          flags: MessageFlags.Ephemeral,
        });
        const fetched = await interaction.fetchReply();
        assert.equal(fetched.content, 'Clocked in');
      };
      const handle = emulator.slashCommand({ user: users.member, name: 'clock', subcommand: 'in' });
      const ack = await handle.acknowledged();
      assert.equal(ack.callbackType, 5);
      assert.equal((ack.body as { data: { flags: number } }).data.flags, MessageFlags.Ephemeral);
      assert.ok(ack.sinceDispatchMs >= 0 && handle.ackLatencyMs !== null);
      const reply = await handle.reply((m) => m.content === 'Clocked in');
      assert.ok(reply.ephemeral && !reply.loading);
      assert.equal(reply.embeds[0]?.title, 'Shift');
      await handle.waitFor((r) => r.kind === 'fetch');
      assert.deepEqual(
        handle.responses.map((r) => r.kind),
        ['callback', 'edit', 'followup', 'fetch'],
      );
      assert.deepEqual(
        handle.followUps().map((m) => [m.content, m.ephemeral]),
        [['Remember to clock out', true]],
      );
      const text = renderMessage(handle.current()!);
      assert.match(text, /^\[ephemeral\] Clocked in/);
      assert.match(text, /\*\*Shift\*\*/);
      assert.match(text, /Start: 14:02/);
    });

    it('turns the first follow-up after a defer into the reply, and deletes replies', async () => {
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        await interaction.deferReply();
        await interaction.followUp('Pong');
        await interaction.deleteReply();
      };
      const handle = emulator.slashCommand({ user: users.member, name: 'ping' });
      await handle.waitFor((r) => r.kind === 'followup');
      assert.deepEqual(handle.followUps(), [], 'the follow-up filled the thinking message');
      await handle.waitFor((r) => r.kind === 'delete');
      assert.equal(handle.current(), null);
      assert.equal(
        emulator.messages(channels.general).some((m) => m.content === 'Pong'),
        false,
      );
    });

    it('answers autocomplete with the focused option and records the choices', async () => {
      handler = async (interaction) => {
        assert.ok(interaction.isAutocomplete());
        const focused = interaction.options.getFocused(true);
        assert.equal(focused.name, 'reason');
        await interaction.respond([
          { name: `${focused.value}m (random deathmatch)`, value: 'rdm' },
          { name: 'VDM', value: 'vdm' },
        ]);
      };
      const handle = emulator.autocomplete({
        user: users.staff,
        name: 'mod',
        subcommand: 'ban',
        options: { target: users.member, reason: 'rd' },
        focused: 'reason',
      });
      const ack = await handle.acknowledged();
      assert.equal(ack.callbackType, 8);
      assert.deepEqual(handle.autocompleteChoices(), [
        { name: 'rdm (random deathmatch)', value: 'rdm' },
        { name: 'VDM', value: 'vdm' },
      ]);
    });

    it('clicks a button and records the update of the message it is on', async () => {
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder()
            .setCustomId('confirm')
            .setLabel('Confirm')
            .setStyle(ButtonStyle.Danger),
          new ButtonBuilder()
            .setCustomId('cancel')
            .setLabel('Cancel')
            .setStyle(ButtonStyle.Secondary),
        );
        await interaction.reply({
          content: 'Ban member.mia?',
          components: [row],
          flags: MessageFlags.Ephemeral,
        });
      };
      const command = emulator.slashCommand({
        user: users.staff,
        name: 'mod',
        subcommand: 'ban',
        options: { target: users.member, reason: 'RDM' },
      });
      const prompt = await command.reply();
      assert.match(renderMessage(prompt), /\[Confirm\] \[Cancel\]/);
      const clicked = deferred<string>();
      handler = async (interaction) => {
        assert.ok(interaction.isButton());
        assert.equal(interaction.message.id, prompt.id);
        assert.equal(
          interaction.message.interactionMetadata?.user.id,
          users.staff,
          'who ran the command, for invoker-only buttons',
        );
        clicked.resolve(interaction.customId);
        await interaction.update({ content: 'Banned member.mia', components: [] });
      };
      const click = emulator.clickButton({
        user: users.staff,
        message: command,
        customId: 'confirm',
      });
      assert.equal(await clicked.promise, 'confirm');
      assert.equal((await click.acknowledged()).callbackType, 7);
      assert.equal(click.current()?.content, 'Banned member.mia');
      assert.equal(
        command.current()?.content,
        'Banned member.mia',
        'the command’s reply is the same message',
      );
      assert.throws(
        () => emulator.clickButton({ user: users.staff, message: command, customId: 'confirm' }),
        /has no button/,
      );
    });

    it('shows a modal and delivers its submission', async () => {
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        const modal = new ModalBuilder()
          .setCustomId('ban-reason')
          .setTitle('Ban reason')
          .addLabelComponents(
            new LabelBuilder()
              .setLabel('Reason')
              .setTextInputComponent(
                new TextInputBuilder().setCustomId('reason').setStyle(TextInputStyle.Paragraph),
              ),
          );
        await interaction.showModal(modal);
      };
      const command = emulator.slashCommand({
        user: users.staff,
        name: 'mod',
        subcommand: 'ban',
        options: { target: users.member, reason: 'x' },
      });
      assert.equal((await command.acknowledged()).callbackType, 9);
      assert.equal(command.modal()?.title, 'Ban reason');
      handler = async (interaction) => {
        assert.ok(interaction.isModalSubmit());
        assert.equal(interaction.customId, 'ban-reason');
        await interaction.reply({
          content: `Reason: ${interaction.fields.getTextInputValue('reason')}`,
          flags: MessageFlags.Ephemeral,
        });
      };
      assert.throws(
        () => emulator.submitModal({ user: users.staff, from: command, fields: { nope: 'x' } }),
        /no field "nope"/,
      );
      const submit = emulator.submitModal({
        user: users.staff,
        from: command,
        fields: { reason: 'Repeated RDM' },
      });
      assert.equal((await submit.reply()).content, 'Reason: Repeated RDM');
    });

    it('answers withResponse callbacks, takes files as multipart and delivers select menus', async () => {
      const response = deferred<InteractionCallbackResponse>();
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        const menu = new StringSelectMenuBuilder()
          .setCustomId('dept')
          .setPlaceholder('Department')
          .addOptions({ label: 'LSPD', value: 'lspd' }, { label: 'BCSO', value: 'bcso' });
        response.resolve(
          await interaction.reply({
            content: 'Roster attached',
            files: [new AttachmentBuilder(Buffer.from('name,rank\n'), { name: 'roster.csv' })],
            components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)],
            withResponse: true,
          }),
        );
      };
      const command = emulator.slashCommand({ user: users.staff, name: 'ping' });
      const callback = await response.promise;
      const reply = await command.reply();
      assert.equal(callback.resource?.message?.id, reply.id);
      assert.equal(callback.interaction.responseMessageId, reply.id);
      assert.deepEqual(
        reply.attachments.map((a) => [a.filename, a.size]),
        [['roster.csv', 10]],
      );
      handler = async (interaction) => {
        assert.ok(interaction.isStringSelectMenu());
        await interaction.update({
          content: `Department: ${interaction.values.join(', ')}`,
          components: [],
        });
      };
      const select = emulator.selectMenu({
        user: users.staff,
        message: command,
        customId: 'dept',
        values: ['bcso'],
      });
      assert.equal(
        (await select.reply((m) => m.content.startsWith('Department'))).content,
        'Department: bcso',
      );
    });

    it('refuses a first callback after the acknowledgement deadline (10062)', async () => {
      const arrived = deferred<void>();
      const release = deferred<void>();
      const outcome = deferred<unknown>();
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        arrived.resolve();
        await release.promise;
        await interaction.deferReply().then(() => outcome.resolve('accepted'), outcome.resolve);
      };
      const handle = emulator.slashCommand({ user: users.member, name: 'ping' });
      await arrived.promise;
      // The emulator's clock, not a sleep: 3 s pass for Discord in an instant.
      emulator.advanceTime(3_001);
      release.resolve();
      apiCode(10062)(await outcome.promise);
      assert.equal(handle.isAcknowledged, false);
      assert.deepEqual(
        handle.responses.map((r) => [r.kind, r.status, r.error?.code]),
        [['callback', 404, 10062]],
      );
    });

    it('refuses a second callback (40060) and webhook calls after the token expired (50027)', async () => {
      const release = deferred<void>();
      const results = deferred<unknown[]>();
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        await interaction.reply('first');
        const second = await client.rest
          .post(Routes.interactionCallback(interaction.id, interaction.token), {
            body: { type: 4, data: { content: 'second' } },
            auth: false,
          })
          .catch((error: unknown) => error);
        await release.promise;
        const late = await interaction.editReply('too late').catch((error: unknown) => error);
        results.resolve([second, late]);
      };
      const handle = emulator.slashCommand({ user: users.member, name: 'ping' });
      await handle.waitFor((r) => r.error?.code === 40060);
      emulator.advanceTime(15 * 60_000 + 1);
      release.resolve();
      const [second, late] = await results.promise;
      apiCode(40060)(second);
      apiCode(50027)(late);
      assert.equal(handle.current()?.content, 'first');
    });
  });

  describe('moderation and members', () => {
    it('bans with the reason and delete window recorded, and the cache follows the gateway', async () => {
      const removed = once(client, Events.GuildMemberRemove);
      const banned = once(client, Events.GuildBanAdd);
      await guild.members.ban(users.member, {
        reason: 'Cheating — CMS case #42',
        deleteMessageSeconds: 3_600,
      });
      const [ban] = emulator.bans(GUILD);
      assert.deepEqual(
        { userId: ban?.userId, reason: ban?.reason, seconds: ban?.deleteMessageSeconds },
        { userId: users.member, reason: 'Cheating — CMS case #42', seconds: 3_600 },
      );
      await Promise.all([removed, banned]);
      assert.equal(guild.members.cache.has(users.member), false);
      assert.equal(
        (await guild.bans.fetch({ user: users.member, force: true })).reason,
        'Cheating — CMS case #42',
      );
      await guild.members.unban(users.member);
      await assert.rejects(guild.bans.fetch({ user: users.member, force: true }), apiCode(10026));
      emulator.addMember({ id: users.member, username: 'member.mia', roles: [roles.member] });
    });

    it('refuses bans and kicks of members above the bot and of the owner (50013)', async () => {
      await assert.rejects(guild.members.ban(users.admin, { reason: 'no' }), apiCode(50013));
      await assert.rejects(guild.members.ban(users.owner), apiCode(50013));
      await assert.rejects(guild.members.kick(users.admin), apiCode(50013));
      assert.equal(emulator.bans(GUILD).length, 0);
      assert.ok(emulator.member(users.admin));
    });

    it('kicks a member who joined, with the reason recorded', async () => {
      const joined = once(client, Events.GuildMemberAdd);
      emulator.addMember({
        id: '1100000000000000036',
        username: 'new.nick',
        roles: [roles.member],
      });
      const [member] = (await joined) as [GuildMember];
      const removed = once(client, Events.GuildMemberRemove);
      await member.kick('Left the CMS');
      await removed;
      assert.deepEqual(
        emulator.kicks.map((k) => [k.userId, k.reason]),
        [['1100000000000000036', 'Left the CMS']],
      );
      await assert.rejects(
        guild.members.fetch({ user: '1100000000000000036', force: true }),
        apiCode(10007),
      );
    });

    it('adds and removes roles below the bot, refuses others, times out, and updates the cache', async () => {
      const member = guild.members.cache.get(users.dmClosed)!;
      const updated = once(client, Events.GuildMemberUpdate);
      await member.roles.add(roles.staff, 'Promoted in the CMS');
      await updated;
      assert.ok(guild.members.cache.get(users.dmClosed)!.roles.cache.has(roles.staff));
      await member.roles.remove(roles.staff, 'Demoted');
      assert.deepEqual(
        emulator.roleChanges.map((c) => [c.action, c.roleId, c.reason]),
        [
          ['add', roles.staff, 'Promoted in the CMS'],
          ['remove', roles.staff, 'Demoted'],
        ],
      );
      await assert.rejects(member.roles.add(roles.admin), apiCode(50013));
      await assert.rejects(member.roles.add(roles.bot), apiCode(50013));
      await assert.rejects(member.roles.add('1100000000000000998'), apiCode(10011));
      const timedOut = once(client, Events.GuildMemberUpdate);
      await member.timeout(60_000, 'Cooling off');
      await timedOut;
      assert.ok(emulator.member(users.dmClosed)?.communicationDisabledUntil);
      assert.ok(guild.members.cache.get(users.dmClosed)!.isCommunicationDisabled());
      await assert.rejects(guild.members.cache.get(users.admin)!.timeout(60_000), apiCode(50013));
    });

    it('sends DMs, and refuses them when the member closed DMs (50007)', async () => {
      await client.users.send(users.staff, 'Your shift starts soon');
      assert.deepEqual(
        emulator.dms(users.staff).map((m) => m.content),
        ['Your shift starts soon'],
      );
      await assert.rejects(client.users.send(users.dmClosed, 'hello'), apiCode(50007));
      emulator.setDmClosed(users.staff);
      await assert.rejects(client.users.send(users.staff, 'again'), apiCode(50007));
      emulator.setDmClosed(users.staff, false);
    });
  });

  describe('channel messages', () => {
    it('accepts 10 embeds and refuses 11, oversize embeds and long content with 50035', async () => {
      const audit = guild.channels.cache.get(channels.audit) as TextChannel;
      const embeds = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          new EmbedBuilder().setTitle(`Notice ${i + 1}`).setDescription('Account updated'),
        );
      const sent = await audit.send({ embeds: embeds(10) });
      const stored = await emulator.waitForMessage(channels.audit, (m) => m.id === sent.id);
      assert.equal(stored.embeds.length, 10);
      await assert.rejects(audit.send({ embeds: embeds(11) }), (error: unknown) => {
        apiCode(50035)(error);
        assert.deepEqual(
          (error as DiscordAPIError & { rawError: { errors: unknown } }).rawError.errors,
          {
            embeds: {
              _errors: [
                { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' },
              ],
            },
          },
        );
        return true;
      });
      const big = [0, 1].map(() => new EmbedBuilder().setDescription('x'.repeat(4_000)));
      await assert.rejects(
        audit.send({ embeds: big }),
        (error: unknown) =>
          apiCode(50035)(error) && /MAX_EMBED_SIZE_EXCEEDED/.test((error as Error).message),
      );
      await assert.rejects(audit.send('y'.repeat(2_001)), apiCode(50035));
      await assert.rejects(audit.send({}), apiCode(50006));
      assert.equal(emulator.messages(channels.audit).length, 1);
    });

    it('rate limits per channel: discord.js waits on the headers, and retries the 429s a second sender causes', async () => {
      emulator.setRateLimits({ channelMessages: { limit: 3, windowMs: 300 } });
      try {
        const general = guild.channels.cache.get(channels.general) as TextChannel;
        const before = emulator.rateLimitedCount;
        await Promise.all(Array.from({ length: 7 }, (_, i) => general.send(`burst ${i}`)));
        assert.deepEqual(
          emulator
            .messages(channels.general)
            .filter((m) => m.content.startsWith('burst'))
            .map((m) => m.content),
          Array.from({ length: 7 }, (_, i) => `burst ${i}`),
        );
        assert.equal(
          emulator.rateLimitedCount,
          before,
          'one client never needs a 429: it reads X-RateLimit-Remaining',
        );

        const other = new REST({ api: emulator.apiUrl }).setToken(emulator.token);
        await Promise.all([
          ...Array.from({ length: 4 }, (_, i) => general.send(`client ${i}`)),
          ...Array.from({ length: 4 }, (_, i) =>
            other.post(Routes.channelMessages(channels.general), {
              body: { content: `other ${i}` },
            }),
          ),
        ]);
        assert.ok(emulator.rateLimitedCount > before, 'two senders sharing a bucket meet 429s');
        const shared = emulator
          .messages(channels.general)
          .filter((m) => /^(client|other) /.test(m.content));
        assert.equal(shared.length, 8, 'every refused request was retried and went through');
        const refused = emulator.requests.filter((r) => r.status === 429);
        assert.ok(refused.every((r) => r.route === 'POST /channels/:channelId/messages'));
      } finally {
        emulator.setRateLimits({ channelMessages: { limit: 5, windowMs: 1_000 } });
      }
    });

    it('injects REST faults: 5xx that discord.js retries or gives up on, a missing channel, REST down', async () => {
      const general = guild.channels.cache.get(channels.general) as TextChannel;
      emulator.failRest({ count: 2, routes: ['POST /channels/:channelId/messages'] });
      await general.send('after two 503s');
      assert.deepEqual(
        emulator.requests.slice(-3).map((r) => r.status),
        [503, 503, 200],
      );
      emulator.failRest({ status: 500, count: 4 });
      await assert.rejects(
        general.send('never'),
        (error: unknown) => error instanceof HTTPError && error.status === 500,
      );
      emulator.deleteChannel(channels.audit, { notify: false });
      await assert.rejects(
        (guild.channels.cache.get(channels.audit) as TextChannel).send('x'),
        apiCode(10003),
      );
      emulator.restoreChannel(channels.audit);
      await emulator.stopRest();
      await assert.rejects(general.send('while down'));
      await emulator.startRest();
      await general.send('back up');
      assert.equal(
        (await emulator.waitForMessage(channels.general, (m) => m.content === 'back up')).content,
        'back up',
      );
    });
  });

  describe('gateway', () => {
    it('resumes after a dropped connection and keeps delivering interactions, including ones sent while down', async () => {
      handler = async (interaction) => {
        assert.ok(interaction.isChatInputCommand());
        await interaction.reply('still here');
      };
      const resumed = emulator.gateway.next('resume');
      emulator.dropGateway(4000);
      await resumed;
      assert.equal(
        (await emulator.slashCommand({ user: users.member, name: 'ping' }).reply()).content,
        'still here',
      );

      const resumedAgain = emulator.gateway.next('resume');
      emulator.dropGateway(1006);
      const whileDown = emulator.slashCommand({ user: users.member, name: 'ping' });
      await resumedAgain;
      assert.equal((await whileDown.reply()).content, 'still here');
      assert.equal(emulator.gateway.sessions.size, 1, 'resumed, never re-identified');
    });
  });

  describe('bookkeeping', () => {
    it('answers unknown routes with a JSON 404 and lists them', async () => {
      await assert.rejects(
        client.rest.get('/guilds/1/nonsense'),
        (error: unknown) => error instanceof DiscordAPIError && error.status === 404,
      );
      assert.deepEqual(
        emulator.unknownRoutes().map((r) => `${r.method} ${r.path}`),
        ['GET /guilds/1/nonsense'],
      );
      const decoded = emulator.requests.find(
        (r) => r.route === 'PATCH /webhooks/:applicationId/:token/messages/:messageId',
      );
      assert.match(decoded?.path ?? '', /\/messages\/@original$/);
    });
  });
});
