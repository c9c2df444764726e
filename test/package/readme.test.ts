import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase } from '../../examples/support/database.js';
import type { ChildProcess } from 'node:child_process';
import type { TestDatabase } from '../../examples/support/database.js';

// The README's "Getting started", done literally by a newcomer: every command and every file of
// that section, in the order written, on the packed library in a fresh project outside this
// repository. Only the database (a throw-away one), the port and the package (the tarball instead
// of the registry) differ. The README cannot drift from the code without this test failing.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Fence {
  info: string;
  body: string;
}

/** The fenced blocks of one `## ` section, in order, with their indentation removed. */
function fencesOf(markdown: string, heading: string): Fence[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README has a "${heading}" section`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const fences: Fence[] = [];
  const pattern = /^( *)```([^\n]*)\n([\s\S]*?)^\1```$/gm;
  for (const match of section.matchAll(pattern)) {
    const indent = (match[1] ?? '').length;
    const body = (match[3] ?? '')
      .split('\n')
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    fences.push({ info: (match[2] ?? '').trim(), body });
  }
  return fences;
}

let work: string;
let project: string;
let tarball: string;
let db: TestDatabase;
let server: ChildProcess | undefined;
const port = 20000 + Math.floor(Math.random() * 20000);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'ksjwt-readme-'));
  project = join(work, 'my-api');
  await mkdir(project);
  const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: root, maxBuffer: 64 << 20 });
  tarball = join(work, packed.stdout.trim().split('\n').pop() ?? '');
  db = await createTestDatabase();
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((done) => server?.once('exit', done));
  }
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

test("the README's Getting started works as written: install, strict type check, generate, migrate, serve, curl", { timeout: 600_000 }, async () => {
  const fences = fencesOf(await readFile(join(root, 'README.md'), 'utf8'), '## Getting started');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  delete env.DATABASE_URL;
  const bash = async (script: string) => {
    try {
      return (await run('bash', ['-c', script], { cwd: project, env, maxBuffer: 64 << 20 })).stdout;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      assert.fail(`${script}\n${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
    }
  };
  const written: string[] = [];
  let sawServer = false;
  let sawCurl = false;
  for (const fence of fences) {
    const [language, path] = fence.info.split(/\s+/);
    if (path !== undefined) {
      await mkdir(dirname(join(project, path)), { recursive: true });
      await writeFile(join(project, path), fence.body);
      written.push(path);
      continue;
    }
    if (language !== 'sh') continue;
    if (fence.body.includes('curl ')) {
      sawCurl = true;
      assert.ok(server, 'the server was started before the curl step');
      await checkCurlSession(fence.body, bash);
      continue;
    }
    for (const raw of fence.body.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || /^(mkdir|cd) /.test(line.split('&&')[0] ?? '')) continue;
      const exported = /^export (\w+)=(.*)$/.exec(line);
      if (exported) {
        const [, name = ''] = exported;
        env[name] = name === 'DATABASE_URL' ? db.connectionString : await bash(`${line}; printf %s "$${name}"`);
        continue;
      }
      if (line === 'npx tsx src/server.ts') {
        server = await startServer(env);
        sawServer = true;
        continue;
      }
      const command = line.startsWith('npm install') ? line.replace(/(^| )koa-simple-jwt( |$)/, ` ${tarball} `) : line;
      const output = await bash(command);
      if (line === 'npx tsc') assert.equal(output, '', 'the strict type check (skipLibCheck: false) reports nothing');
    }
  }
  assert.deepEqual(written.sort(), ['src/authentication.ts', 'src/controllers/me.ts', 'src/server.ts', 'tsconfig.json', 'tsoa.json']);
  assert.ok(sawServer && sawCurl, 'the section starts the server and calls it');
  assert.match(await readFile(join(project, 'tsconfig.json'), 'utf8'), /"skipLibCheck": false/);
  assert.match(await readFile(join(project, 'tsconfig.json'), 'utf8'), /"strict": true/);
});

/** Starts `npx tsx src/server.ts`; resolves once it says it listens. */
async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn('npx', ['tsx', 'src/server.ts'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/**
 * Runs the curl session as one shell script (its variables carry over), with the README's
 * `localhost:8000` pointed at the test's port, and compares each command's output with the
 * `# ...` line written under it.
 */
async function checkCurlSession(body: string, bash: (script: string) => Promise<string>): Promise<void> {
  const expected: string[] = [];
  const script: string[] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('# ')) {
      expected.push(line.slice(2));
      continue;
    }
    const command = line.replaceAll('localhost:8000', `127.0.0.1:${port}`);
    script.push(/^\w+=\$\(/.test(command) ? command : `${command}; echo`);
  }
  const output = (await bash(script.join('\n')))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  assert.deepEqual(output, expected);
}
