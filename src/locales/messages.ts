/**
 * The English wire messages: the msgids every message table is keyed by (Simple JWT's
 * catalogues here, another wire profile's table elsewhere). A message with a value filled in
 * (`Token has no 'exp' claim`) is listed with Python's `{}` placeholder, as its msgid is.
 */
export const SIMPLE_JWT_MESSAGES = Object.freeze([
  "The user's password has been changed.",
  'Authorization header must contain two space-delimited values',
  'Given token not valid for any token type',
  'Token contained no recognizable user identification',
  'User not found',
  'User is inactive',
  'Token is invalid',
  'Token is expired',
  'No active account found with the given credentials',
  'No active account found for the given token.',
  'Token is blacklisted',
  'Cannot create token with no type or lifetime',
  'Token has no id',
  'Token has no type',
  'Token has wrong type',
  "Token has no '{}' claim",
  "Token '{}' claim has expired",
] as const);

/** One of Simple JWT's English messages (a msgid). */
export type SimpleJwtMessage = (typeof SIMPLE_JWT_MESSAGES)[number];

/** A msgid with `{}` placeholders, and the pattern that finds its filled-in English form. */
interface Template {
  msgid: string;
  pattern: RegExp;
}

const TEMPLATES: readonly Template[] = SIMPLE_JWT_MESSAGES.filter((msgid) => msgid.includes('{}')).map((msgid) => ({
  msgid,
  pattern: new RegExp(`^${msgid.split('{}').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.*)')}$`, 's'),
}));

const PLAIN: ReadonlySet<string> = new Set(SIMPLE_JWT_MESSAGES.filter((msgid) => !msgid.includes('{}')));

/**
 * The msgid of an English message as our errors carry it, with the values that fill its
 * placeholders, or undefined for a message that is not one of Simple JWT's.
 *
 * @example
 * msgidOf("Token has no 'exp' claim") // { msgid: "Token has no '{}' claim", values: ['exp'] }
 */
export function msgidOf(message: string): { msgid: string; values: string[] } | undefined {
  if (PLAIN.has(message)) return { msgid: message, values: [] };
  for (const { msgid, pattern } of TEMPLATES) {
    const match = pattern.exec(message);
    if (match) return { msgid, values: match.slice(1) };
  }
  return undefined;
}
