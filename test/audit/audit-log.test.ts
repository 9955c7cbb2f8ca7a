import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StaffActionEvent } from '../../src/audit/audit-events.js';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { EmulatedMessage } from '../../src/dev/discord-emulator/index.js';
import { SANDBOX_GUILD } from '../../src/dev/sandbox-guild.js';
import { startBotHarness, type BotHarness } from '../helpers/bot-harness.js';
import { waitFor } from '../helpers/queue-harness.js';

const { users, channels, guild: guildId } = SANDBOX_GUILD;
const AUDIT_POSTS = new RegExp(`^POST /channels/${channels.audit}/messages$`);

const title = (m: EmulatedMessage) => m.embeds[0]?.title ?? '';
const field = (m: EmulatedMessage, name: string) =>
  m.embeds[0]?.fields?.find((f) => f.name === name)?.value ?? '';

describe('the audit log', () => {
  let harness: BotHarness;
  let audit: AuditLog;
  let serial = 1000;

  /** A staff action notice with its own case number (its title says which). */
  function notice(overrides: Partial<StaffActionEvent> = {}): StaffActionEvent {
    serial += 1;
    return {
      type: 'staff-action',
      id: `test.${serial}`,
      at: Date.now(),
      guildId,
      caseNumber: serial,
      action: 'kick',
      staff: { id: users.staff, tag: 'mreyes' },
      target: { id: users.civilian, tag: 'tbrooks' },
      account: null,
      reason: `reason ${serial}`,
      discord: { status: 'done' },
      cms: { status: 'skipped', detail: 'no linked CMS account' },
      ...overrides,
    };
  }

  const titleOf = (event: StaffActionEvent) => `Case #${event.caseNumber}: Kicked`;

  function posted(event: StaffActionEvent): EmulatedMessage[] {
    return harness.discord.messages(channels.audit).filter((m) => title(m) === titleOf(event));
  }

  function delivered(
    event: StaffActionEvent,
    predicate: (m: EmulatedMessage) => boolean = () => true,
  ) {
    return harness.discord.waitForMessage(
      channels.audit,
      (m) => title(m) === titleOf(event) && predicate(m),
      15_000,
    );
  }

  /** The order in which these events' notices stand in the channel. */
  function order(events: StaffActionEvent[]): number[] {
    const titles = harness.discord.messages(channels.audit).map(title);
    return events
      .map((event) => ({ event, at: titles.indexOf(titleOf(event)) }))
      .sort((a, b) => a.at - b.at)
      .map(({ event }) => event.caseNumber);
  }

  const outageLines = () =>
    harness.logLines().filter((l) => String(l.msg).startsWith('audit notices cannot be delivered'));

  before(async () => {
    harness = await startBotHarness();
    audit = harness.bot.context.audit;
  });
  after(() => harness.stop());

  it('posts notices in the order recorded, and an event recorded again only once', async () => {
    const [a, b, c] = [notice(), notice(), notice()];
    await audit.record(a);
    await audit.record(b);
    await audit.record(a);
    await audit.record(c);
    await delivered(c);
    assert.deepEqual(
      order([a, b, c]),
      [a, b, c].map((e) => e.caseNumber),
    );

    // Again after it was delivered: the next notice comes, and the first is still there once.
    await audit.record(a);
    const d = notice();
    await audit.record(d);
    await delivered(d);
    for (const event of [a, b, c, d]) assert.equal(posted(event).length, 1);
  });

  it('edits the notice of a subject with each newer revision, and never shows an older one over it', async () => {
    const subject = `staff-action.${guildId}.test-edit`;
    const first = notice({
      subject,
      revision: 1,
      cms: { status: 'retrying', detail: 'Sonoran CMS answered with a server error (503)' },
    });
    await audit.record(first);
    const shown = await delivered(first);
    assert.match(field(shown, 'Sonoran CMS'), /Failed, retrying/);

    await audit.record({ ...first, id: `${first.id}.r2`, revision: 2, cms: { status: 'done' } });
    const edited = await delivered(first, (m) => /^✅/.test(field(m, 'Sonoran CMS')));
    assert.equal(edited.id, shown.id, 'the same message');
    assert.ok(edited.editedTimestamp, 'edited, not reposted');

    // A late copy of revision 1 (another id) must not put "retrying" back.
    await audit.record({ ...first, id: `${first.id}.late` });
    const after = notice();
    await audit.record(after);
    await delivered(after);
    assert.equal(posted(first).length, 1);
    assert.match(field(posted(first)[0]!, 'Sonoran CMS'), /^✅/);
  });

  it('holds notices through a Discord outage, logs it once, then delivers each once, in order', async () => {
    const failedPosts = () =>
      harness.discord.requests.filter(
        (r) => r.path === `/channels/${channels.audit}/messages` && r.status === 503,
      ).length;
    const linesBefore = outageLines().length;
    const undo = harness.discord.failRest({ routes: [AUDIT_POSTS] });
    const [a, b] = [notice(), notice()];
    try {
      await audit.record(a);
      await audit.record(b);
      // discord.js tries a 5xx four times: eight failures are at least two delivery attempts.
      await waitFor(() => failedPosts() >= 8, 15_000, 'two failed delivery attempts');
      assert.equal(posted(a).length + posted(b).length, 0, 'nothing got through');
      assert.equal(outageLines().length, linesBefore + 1, 'the outage is logged once');
    } finally {
      undo();
    }
    await delivered(b);
    assert.deepEqual(order([a, b]), [a.caseNumber, b.caseNumber]);
    assert.equal(posted(a).length, 1);
    assert.equal(posted(b).length, 1);
    assert.equal(outageLines().length, linesBefore + 1, 'still one line');
    assert.ok(
      harness.logLines().some((l) => l.msg === 'audit notices are being delivered again'),
      'the recovery is logged',
    );
  });

  it('waits for a missing audit channel to come back', async () => {
    const missing = () =>
      harness.discord.requests.some(
        (r) => r.path === `/channels/${channels.audit}` && r.status === 404,
      );
    harness.discord.deleteChannel(channels.audit);
    const event = notice();
    try {
      await audit.record(event);
      await waitFor(missing, 15_000, 'a delivery to the missing channel');
    } finally {
      harness.discord.restoreChannel(channels.audit);
    }
    await delivered(event);
    assert.equal(posted(event).length, 1);
  });
});
