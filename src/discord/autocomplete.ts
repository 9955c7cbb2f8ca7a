/**
 * The items matching what a member has typed so far: those whose name starts with it first,
 * then those that contain it, each group in its original order.
 */
export function matchTyped<T>(
  items: readonly T[],
  typed: string,
  names: (item: T) => string[],
): T[] {
  const text = typed.trim().toLowerCase();
  const starts: T[] = [];
  const contains: T[] = [];
  for (const item of items) {
    const lower = names(item).map((name) => name.toLowerCase());
    if (lower.some((name) => name.startsWith(text))) starts.push(item);
    else if (lower.some((name) => name.includes(text))) contains.push(item);
  }
  return [...starts, ...contains];
}
