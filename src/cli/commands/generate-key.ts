import { ALGORITHMS, type Algorithm } from '../../settings.js';
import { generateSigningKey } from '../../keys/generate-signing-key.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `generate-key [--algorithm ES256] [--format pem|jwk]`: prints a new signing key on stdout (a
 * PKCS#8 PEM, or a private JWK carrying its `kid`) and its `kid` on stderr, so that
 * `koa-simple-jwt generate-key > key.pem` leaves only the key in the file. For HS* the key is a
 * random secret (its `kid` is random too: an HMAC key has no thumbprint). Needs no database.
 *
 * @example
 * // koa-simple-jwt generate-key --algorithm EdDSA > signing-key.pem
 * // kid: 1f9cO3L4c0ZzF0mXbq2Wm8Y4b8sUa4v4w6tWQ8Qk5nE
 */
export const generateKeyCommand: CliCommand = {
  name: 'generate-key',
  summary: 'Print a new signing key (PEM or JWK) for an algorithm, and its kid',
  usage: 'generate-key [--algorithm ES256|EdDSA|RS256|...|HS256] [--format pem|jwk]',
  options: { algorithm: { type: 'string', short: 'a' }, format: { type: 'string', short: 'f' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const algorithm = (ctx.values.algorithm ?? 'ES256') as string;
    if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new UsageError(`unknown algorithm "${algorithm}"; expected one of ${ALGORITHMS.join(', ')}`);
    }
    const format = (ctx.values.format ?? 'pem') as string;
    if (format !== 'pem' && format !== 'jwk') throw new UsageError(`--format must be pem or jwk, got "${format}"`);
    const key = generateSigningKey(algorithm as Algorithm);
    ctx.print(format === 'jwk' ? JSON.stringify(key.jwk) : key.pem.trimEnd());
    ctx.printNote(`kid: ${key.kid}`);
    return 0;
  },
};
