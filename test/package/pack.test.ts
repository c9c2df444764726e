import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

// `npm pack` as a publisher runs it (prepack builds dist/), then the tarball installed into a
// fresh project outside this repository, so nothing resolves from our own node_modules.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');

let work: string;
let tarball: string;
let files: string[];

/** A user store kept in memory: the package needs no database to serve tokens. */
const MEMORY_STORE = `
const users = [{ id: 1, username: 'alice', isActive: true, secret: 'alice-password' }];
const userStore = {
  async authenticate({ username, password }) {
    return users.find((user) => user.username === username && user.secret === password) ?? null;
  },
  async findUser(field, value) {
    return users.find((user) => String(user[field]) === value) ?? null;
  },
  async updateLastLogin() {},
};
const signingKey = 'a-signing-key-of-at-least-32-bytes!!';
`;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'ksjwt-pack-'));
  const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: root, maxBuffer: 64 << 20 });
  const name = packed.stdout.trim().split('\n').pop() ?? '';
  assert.match(name, /^koa-simple-jwt-.*\.tgz$/);
  tarball = join(work, name);
  files = (await run('tar', ['-tzf', tarball])).stdout.trim().split('\n').map((entry) => entry.replace(/^package\//, ''));

  const project = join(work, 'project');
  await run('mkdir', [project]);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run(
    'npm',
    ['install', tarball, 'koa@^3', 'knex@^3', 'pg@^8', '@types/koa@^3', '@types/node@^20', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
    { cwd: project, maxBuffer: 64 << 20 },
  );
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm pack ships the compiled code, its type declarations, spec/, migrations/, knexfile.js, LICENSE and CHANGELOG.md, and nothing else', async () => {
  const outside = files.filter((file) => !/^(dist\/src\/|migrations\/|spec\/)/.test(file));
  assert.deepEqual(outside.sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'knexfile.js', 'package.json']);
  for (const required of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/generated/routes.js', 'spec/openapi.json', 'migrations/20260101000000_auth_user.js']) {
    assert.ok(files.includes(required), required);
  }
  assert.deepEqual(files.filter((file) => file.startsWith('dist/') && !/\.(js|d\.ts)$/.test(file)), [], 'only .js and .d.ts under dist/');
  for (const file of files.filter((each) => each.startsWith('dist/src/') && each.endsWith('.js'))) {
    assert.ok(files.includes(file.replace(/\.js$/, '.d.ts')), `${file} has its declarations`);
  }
  const { size } = await stat(tarball);
  // 25 message catalogues, the Ninja JWT profile's spec and the new rooms: about 300 KB.
  assert.ok(size < 400_000, `the tarball is ${size} bytes`);
});

test('publint finds no error and no warning in the tarball', async () => {
  const bytes = await readFile(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, level: 'warning' });
  assert.deepEqual(messages.map((message) => `${message.type}: ${formatMessage(message, pkg) ?? message.code}`), []);
});

test('the installed package serves tokens from a tiny Koa app, imported from ESM', async () => {
  const script = `
import Koa from 'koa';
import { createSimpleJwt } from 'koa-simple-jwt';
${MEMORY_STORE}
const jwt = createSimpleJwt({ signingKey, userStore });
const app = new Koa();
app.use(jwt.middleware());
app.use(jwt.routes({ prefix: '/api' }));
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = 'http://127.0.0.1:' + server.address().port + '/api';
const post = (path, body) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const obtained = await post('/token/', { username: 'alice', password: 'alice-password' });
const pair = await obtained.json();
const verified = await post('/token/verify', { token: pair.access });
const refused = await post('/token', { username: 'alice', password: 'wrong' });
server.close();
console.log(JSON.stringify({ status: obtained.status, keys: Object.keys(pair), verify: verified.status, refused: refused.status }));
`;
  await writeFile(join(work, 'project/esm.mjs'), script);
  const { stdout } = await run(process.execPath, ['esm.mjs'], { cwd: join(work, 'project') });
  assert.deepEqual(JSON.parse(stdout), { status: 200, keys: ['refresh', 'access'], verify: 200, refused: 401 });
});

test('the installed package loads with require() from CommonJS (require(esm), Node >= 20.19)', async () => {
  const script = `
const { createSimpleJwt, AccessToken } = require('koa-simple-jwt');
${MEMORY_STORE}
const jwt = createSimpleJwt({ signingKey, userStore });
jwt.issueTokenPair(users[0])
  .then((pair) => jwt.decodeToken(pair.access, AccessToken))
  .then((token) => console.log(JSON.stringify({ requireModule: process.features.require_module, type: token.payload.token_type })));
`;
  await writeFile(join(work, 'project/cjs.cjs'), script);
  const { stdout } = await run(process.execPath, ['cjs.cjs'], { cwd: join(work, 'project') });
  assert.deepEqual(JSON.parse(stdout), { requireModule: true, type: 'access' });
});

test('the installed package finds spec/openapi.json from dist/, and docsRoute asks for its optional peer', async () => {
  // Imported by file path: the package's "exports" decides which names are public (src/index.ts).
  const script = `
import { openApiDocument } from './node_modules/koa-simple-jwt/dist/src/openapi/open-api-document.js';
import { docsRoute } from './node_modules/koa-simple-jwt/dist/src/koa/docs-route.js';
const document = openApiDocument({ prefix: '/api' });
let docs;
try {
  docsRoute({ path: '/docs', specUrl: '/openapi.json' });
  docs = 'made';
} catch (error) {
  docs = error.message;
}
console.log(JSON.stringify({ servers: document.servers.map((server) => server.url), paths: Object.keys(document.paths).length, docs }));
`;
  await writeFile(join(work, 'project/spec.mjs'), script);
  const { stdout } = await run(process.execPath, ['spec.mjs'], { cwd: join(work, 'project') });
  // swagger-ui-dist is an optional peer dependency: npm does not install it, and the error says what to do.
  assert.deepEqual(JSON.parse(stdout), {
    servers: ['/api'],
    paths: 6,
    docs: 'docsRoute needs the swagger-ui-dist package: npm install swagger-ui-dist',
  });
});

test('the installed type declarations type-check a TypeScript consumer (NodeNext, strict)', async () => {
  const project = join(work, 'project');
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
      files: ['consumer.ts'],
    }),
  );
  await writeFile(
    join(project, 'consumer.ts'),
    `import Koa from 'koa';
import { createSimpleJwt, type AuthUser, type UserStore } from 'koa-simple-jwt';

const alice: AuthUser = { id: 1, username: 'alice', isActive: true };
const userStore: UserStore = {
  authenticate: async () => alice,
  findUser: async () => alice,
  updateLastLogin: async () => {},
};
const jwt = createSimpleJwt({ signingKey: 'a-signing-key-of-at-least-32-bytes!!', userStore, rotateRefreshTokens: true });
const app = new Koa();
app.use(jwt.middleware());
app.use(jwt.routes({ prefix: '/api' }));
export const pair: Promise<{ refresh: string; access: string }> = jwt.issueTokenPair(alice);
// @ts-expect-error a misspelled option does not compile
createSimpleJwt({ signingKey: 'a-signing-key-of-at-least-32-bytes!!', userStor: userStore });

// ctx.state is typed through Koa's DefaultState, with the app's own registered user type.
declare module 'koa-simple-jwt' {
  interface Register { user: AuthUser & { email: string } }
}
app.use(jwt.protect('jwt', { unless: { path: ['/health'] } }));
app.use((ctx) => {
  const email: string | undefined = ctx.state.user?.email;
  // @ts-expect-error the registered user's email is a string
  const wrong: number | undefined = ctx.state.user?.email;
  ctx.body = { email, wrong, type: ctx.state.token?.payload.token_type };
});
`,
  );
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((error: { stdout: string }) => error);
  assert.equal(result.stdout, '');
});
