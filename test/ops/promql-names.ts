/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: identifiers that are not functions or
 * aggregations (followed by `(`), keywords, label names (inside `{…}` or `by (…)`), ranges or
 * Grafana variables (`[$__rate_interval]`), or parts of numbers.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const before = stripped[match.index - 1] ?? ' ';
    const after = stripped.slice(match.index + match[0].length);
    if (/[\d.]/.test(before) || /^\s*\(/.test(after) || KEYWORDS.has(match[0].toLowerCase()))
      continue;
    names.add(match[0]);
  }
  return [...names];
}
