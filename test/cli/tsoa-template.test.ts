import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../support/cli.js';

test('tsoa-template writes the derived Koa route template from the project\'s tsoa', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksjwt-template-'));
  try {
    const out = join(dir, 'koa.hbs');
    const { code, stdout } = await runCliCaptured(['tsoa-template', '--out', out], {});
    assert.equal(code, 0);
    assert.match(stdout, /middlewareTemplate/);
    const written = await readFile(out, 'utf8');
    assert.match(written, /runSingleAuthenticationMiddleware/);
    assert.match(written, /import type \{ Router as KoaRouter \} from '@koa\/router';/);
    const printed = await runCliCaptured(['tsoa-template', '--out', '-'], {});
    assert.equal(printed.stdout, `${written}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('tsoa-template refuses stray arguments with a usage error', async () => {
  const { code, stderr } = await runCliCaptured(['tsoa-template', 'extra'], {});
  assert.equal(code, 2);
  assert.match(stderr, /unexpected argument "extra"/);
});
