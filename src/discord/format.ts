/** Small text helpers for Discord messages. */

/** A Discord timestamp tag: shown in each reader's own time zone (`R` relative, `f` full, `t` time). */
export function discordTime(ms: number, style: 'R' | 'f' | 't' | 'F' | 'd' = 'f'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}

/** "1 h 05 min", "12 min", "40 s": how long something has lasted. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A user mention. */
export function mention(userId: string): string {
  return `<@${userId}>`;
}
