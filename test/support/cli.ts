import { runCli } from '../../src/cli/run-cli.js';

/** Runs the CLI in-process with `env` only (nothing inherited), capturing its output. */
export async function runCliCaptured(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}
