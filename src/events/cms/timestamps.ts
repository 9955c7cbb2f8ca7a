/**
 * Sonoran's push events write times as `2022-02-22 20:28:40.000 -0800` (the docs' format);
 * ISO 8601 is accepted too. Answers ms since the epoch, or NaN.
 */
export function parseCmsTimestamp(text: string): number {
  const docs = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?) ([+-])(\d{2})(\d{2})$/.exec(
    text.trim(),
  );
  if (docs) {
    const [, date, time, sign, hours, minutes] = docs;
    return Date.parse(`${date}T${time}${sign}${hours}:${minutes}`);
  }
  // ISO with a zone only: a time without one would be read in this machine's zone.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text.trim()))
    return Date.parse(text);
  return Number.NaN;
}
