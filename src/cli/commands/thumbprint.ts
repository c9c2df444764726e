import { readFile } from 'node:fs/promises';
import { thumbprintOfKeyText } from '../../keys/generate-signing-key.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `thumbprint <key-file>`: prints the RFC 7638 thumbprint of a PEM (private or public) or JWK
 * key: the `kid` that `signingKeys` gives it by default. Needs no database.
 *
 * @example
 * // koa-simple-jwt thumbprint signing-key.pem
 * // 1f9cO3L4c0ZzF0mXbq2Wm8Y4b8sUa4v4w6tWQ8Qk5nE
 */
export const thumbprintCommand: CliCommand = {
  name: 'thumbprint',
  summary: "Print the RFC 7638 thumbprint (default kid) of a PEM or JWK key file",
  usage: 'thumbprint <key-file>',
  options: {},
  async run(ctx) {
    const [file, ...extra] = ctx.positionals;
    if (file === undefined) throw new UsageError('a key file is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      ctx.printError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return 1;
    }
    try {
      ctx.print(thumbprintOfKeyText(text));
    } catch (error) {
      ctx.printError(`${file} is not a PEM or JWK key${error instanceof TypeError && /HMAC/.test(error.message) ? `: ${error.message}` : ''}`);
      return 1;
    }
    return 0;
  },
};
