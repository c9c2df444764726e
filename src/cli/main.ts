#!/usr/bin/env node
/**
 * The `koa-simple-jwt` executable: binds {@link runCli} to this process. All behaviour lives in
 * `run-cli.ts`, where tests can reach it without spawning a process.
 *
 * @example
 * // DATABASE_URL=postgres://localhost/app npx koa-simple-jwt migrate
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
