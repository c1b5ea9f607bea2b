import { spawn } from 'node:child_process';

/**
 * Runs one of the tools/infra scripts (fetch or build a server), passing its progress through,
 * and returns the last line it prints on stdout (by convention, the path it produced).
 */
export function runScript(
  script: string,
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) progress(line);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      relay(chunk);
    });
    child.stderr.on('data', relay);
    child.on('error', reject);
    // 'close', not 'exit': only then has all of stdout been read.
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last) resolve(last.trim());
      else reject(new Error(`${script} failed (exit ${code}); see the lines above for the cause`));
    });
  });
}
