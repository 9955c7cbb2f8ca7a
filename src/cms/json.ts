/** JSON text to a value, or undefined for an empty or malformed text (answers are not trusted). */
export function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
