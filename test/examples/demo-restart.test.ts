import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';

// The demo on its embedded PostgreSQL, started as `npm start` starts it (no DATABASE_URL).

const root = fileURLToPath(new URL('../..', import.meta.url));
const started: ChildProcess[] = [];
const ports = [20000 + Math.floor(Math.random() * 10000), 30000 + Math.floor(Math.random() * 10000)];

after(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(started.map((child) => (child.exitCode === null ? new Promise((done) => child.once('exit', done)) : undefined)));
  for (const port of ports) await rm(`${root}/.tmp/demo-db-${port}`, { recursive: true, force: true });
});

/** Starts the demo on `port`; resolves once it prints its banner, rejects with its output if it exits first. */
function startDemo(port: number): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/server.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Seeded user')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output}`));
    });
  });
}

async function login(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-password' }),
  });
  return response.status;
}

test('the demo starts cleanly after a kill -9 left its embedded PostgreSQL running, and two demos run side by side', { timeout: 180_000 }, async () => {
  const [first, second] = ports as [number, number];
  const killed = await startDemo(first);
  assert.equal(await login(first), 200);
  killed.kill('SIGKILL'); // the embedded server is left behind, holding the data folder's lock
  await new Promise((done) => killed.once('exit', done));

  const restarted = await startDemo(first);
  const beside = await startDemo(second);
  assert.equal(await login(first), 200);
  assert.equal(await login(second), 200);
  restarted.kill('SIGTERM');
  beside.kill('SIGTERM');
});
