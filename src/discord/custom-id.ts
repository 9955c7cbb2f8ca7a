/**
 * Component custom ids: `<command>:<action>:<invoker id>:<args…>`. The command routes the click
 * back to its module; the invoker id lets a button refuse anyone else (buttons stay clickable
 * for everyone who sees the message).
 */
export interface CustomId {
  command: string;
  action: string;
  invokerId: string;
  args: string[];
}

export function customId(parts: CustomId): string {
  const id = [parts.command, parts.action, parts.invokerId, ...parts.args].join(':');
  // Discord's limit; ours stay far below it (names and snowflakes).
  if (id.length > 100) throw new Error(`custom id too long: ${id.length} characters`);
  return id;
}

export function parseCustomId(id: string): CustomId | null {
  const [command, action, invokerId, ...args] = id.split(':');
  if (!command || !action || !invokerId) return null;
  return { command, action, invokerId, args };
}
