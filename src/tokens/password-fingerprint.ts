import { createHash } from 'node:crypto';
import type { AuthUser } from '../stores/user-store.js';

/**
 * Simple JWT's revoke-token fingerprint: the upper-case hex MD5 of the user's stored password
 * hash string (never of the password). MD5 here only detects change; it protects no secret, and
 * it must match Simple JWT's so tokens interoperate.
 */
export function passwordFingerprint(user: AuthUser): string {
  return createHash('md5').update(String(user.password ?? ''), 'utf8').digest('hex').toUpperCase();
}
