// `npm run infra:up | infra:down | infra:status`: the same real servers the tests use, kept
// running for a person who wants the distributed mode locally.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  cacheDir,
  provisionInfra,
  settingsToEnv,
  type InfraSettings,
} from '../../libs/testing/src';

interface UpState {
  processes: Array<{ pid: number; signal: NodeJS.Signals }>;
  settings: Partial<InfraSettings>;
  workDir: string;
  startedAt: string;
}

const stateFile = join(cacheDir('infra'), 'state.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readState(): UpState | undefined {
  return existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as UpState)
    : undefined;
}

function printSettings(state: UpState): void {
  console.log('Connection settings (paste into your shell, or an .env file):');
  for (const [key, value] of Object.entries(settingsToEnv(state.settings)))
    // Quoted for the shell: the test broker's users are a JSON object.
    console.log(`export ${key}='${value.replaceAll("'", "'\\''")}'`);
  console.log(`Logs and data: ${state.workDir}`);
}

async function up(): Promise<void> {
  const current = readState();
  if (current && current.processes.some((p) => alive(p.pid))) {
    console.log(`Servers already running (started ${current.startedAt}).`);
    printSettings(current);
    return;
  }
  // Local servers only: a person running infra:up wants processes that outlive this command,
  // and data that outlives them: the same directory as start:distributed's servers.
  const dataDir =
    process.env['TWINLOG_DATA_DIR'] ?? join(homedir(), '.local', 'share', 'twinlog-distributed');
  const infra = await provisionInfra({
    detached: true,
    keepDataIn: join(dataDir, 'servers'),
    env: { ...process.env, TWINLOG_INFRA: process.env['TWINLOG_INFRA'] ?? 'local' },
  });
  const state: UpState = {
    processes: Object.values(infra.servers).flatMap((s) =>
      (s?.pids ?? []).map((pid) => ({ pid, signal: s?.stopSignal ?? 'SIGTERM' })),
    ),
    settings: infra.settings,
    workDir: infra.workDir,
    startedAt: new Date().toISOString(),
  };
  mkdirSync(cacheDir('infra'), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  for (const server of Object.values(infra.servers)) console.log(`started: ${server?.description}`);
  printSettings(state);
  console.log('Stop them with: npm run infra:down');
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) return console.log('No servers started by infra:up are recorded; nothing to stop.');
  const pids = state.processes.map((p) => p.pid);
  for (const { pid, signal } of state.processes) if (alive(pid)) process.kill(pid, signal);
  const deadline = Date.now() + 30_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
  rmSync(stateFile);
  console.log(
    `Stopped ${pids.length} server process(es). Their logs and data stay in ${state.workDir}`,
  );
}

function status(): void {
  const state = readState();
  if (!state) return console.log('No servers started by infra:up.');
  const running = state.processes.filter((p) => alive(p.pid)).length;
  console.log(
    `${running} of ${state.processes.length} server process(es) running (started ${state.startedAt}).`,
  );
  printSettings(state);
  if (running < state.processes.length) process.exitCode = 1;
}

const command = process.argv[2];
const commands: Record<string, () => void | Promise<void>> = { up, down, status };
const run = command ? commands[command] : undefined;
if (!run) {
  console.error('usage: infra (up | down | status)');
  process.exit(2);
}
Promise.resolve(run()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
