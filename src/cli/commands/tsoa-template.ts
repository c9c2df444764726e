import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { deriveKoaRouteTemplate } from '../../koa/tsoa-route-template.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `tsoa-template [--out <file>]`: writes the Koa route template for tsoa.json's
 * `routes.middlewareTemplate`, derived from the tsoa installed in the current project (see
 * `deriveKoaRouteTemplate`). Default file: `tsoa-koa.hbs`; `--out -` prints it.
 *
 * @example
 * // koa-simple-jwt tsoa-template --out templates/koa.hbs
 */
export const tsoaTemplateCommand: CliCommand = {
  name: 'tsoa-template',
  summary: "Write tsoa's Koa route template adapted for Koa 3, @koa/router 15 and fast @Security",
  usage: 'tsoa-template [--out <file>]',
  options: { out: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const out = typeof ctx.values.out === 'string' ? ctx.values.out : 'tsoa-koa.hbs';
    let original: string;
    try {
      const require = createRequire(join(process.cwd(), 'package.json'));
      const cli = dirname(require.resolve('@tsoa/cli/package.json'));
      original = readFileSync(join(cli, 'dist/routeGeneration/templates/koa.hbs'), 'utf8');
    } catch {
      ctx.printError('@tsoa/cli is not installed in this project (npm install --save-dev @tsoa/cli).');
      return 1;
    }
    const template = deriveKoaRouteTemplate(original);
    if (out === '-') {
      ctx.print(template);
      return 0;
    }
    writeFileSync(resolve(out), template);
    ctx.print(`Wrote ${out}: set "routes": { "middlewareTemplate": "${out}" } in tsoa.json.`);
    return 0;
  },
};
