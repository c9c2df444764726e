import { catalogueOf } from './languages.js';
import { msgidOf } from './messages.js';

/**
 * `message` (English, as our errors carry it) in `language`, as Simple JWT renders it there:
 * its catalogue's text with the placeholders filled in (Python's `str.format`, in order), or
 * the English message when the catalogue lacks it (or it is not one of Simple JWT's).
 *
 * @example
 * translateMessage("Token has no 'exp' claim", 'fr') // "Le jeton n'a pas le privilège 'exp'"
 */
export function translateMessage(message: string, language: string): string {
  const catalogue = catalogueOf(language);
  if (catalogue === undefined) return message;
  const found = msgidOf(message);
  const text = found && Object.hasOwn(catalogue, found.msgid) ? catalogue[found.msgid] : undefined;
  if (found === undefined || text === undefined) return message;
  let next = 0;
  return text.replace(/\{\}/g, () => found.values[next++] ?? '');
}

/**
 * An error body with its messages in `language`: `detail`, each `messages[].message`, and the
 * strings of field error lists. Codes, keys and everything else are left as they are.
 *
 * @example
 * translateBody({ detail: 'User not found', code: 'user_not_found' }, 'de')
 * // { detail: 'Benutzer nicht gefunden', code: 'user_not_found' }
 */
export function translateBody(body: Record<string, unknown>, language: string): Record<string, unknown> {
  if (catalogueOf(language) === undefined) return body;
  const translated: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'detail' && typeof value === 'string') translated[key] = translateMessage(value, language);
    else if (key === 'messages' && Array.isArray(value)) translated[key] = value.map((entry: unknown) => translateEntry(entry, language));
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) translated[key] = value.map((item: string) => translateMessage(item, language));
    else translated[key] = value;
  }
  return translated;
}

function translateEntry(entry: unknown, language: string): unknown {
  if (entry === null || typeof entry !== 'object' || typeof (entry as { message?: unknown }).message !== 'string') return entry;
  const { message } = entry as { message: string };
  return { ...entry, message: translateMessage(message, language) };
}
