import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey, jwkThumbprint } from '../../src/index.js';
import { createPrivateKey } from 'node:crypto';

/**
 * The demo's signing key: an Ed25519 private key generated at the first start and kept as
 * `<dir>/signing-key.pem` (readable by its owner only), so tokens survive a restart. Resolves
 * to the PEM and its kid (the RFC 7638 thumbprint `signingKeys` gives it).
 *
 * @example
 * const { pem, kid, created } = await demoSigningKey('.tmp/demo-keys');
 */
export async function demoSigningKey(dir: string): Promise<{ pem: string; kid: string; created: boolean }> {
  const file = join(dir, 'signing-key.pem');
  try {
    const pem = await readFile(file, 'utf8');
    return { pem, kid: jwkThumbprint(createPrivateKey(pem)), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateSigningKey('EdDSA');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // `wx`: two demos starting at once must not overwrite each other's key.
  await writeFile(file, key.pem, { mode: 0o600, flag: 'wx' });
  return { pem: key.pem, kid: key.kid, created: true };
}
