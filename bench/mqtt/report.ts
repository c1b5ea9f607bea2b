import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { rate } from '../event-log/bench-util';
import type { IngestionChild } from './ingestion-child';
import { selfTimes, type CpuProfile } from './profile-top';

/** One line of the summary: a pipeline's figures for one shape of load. */
export interface Row {
  shape: number;
  what: string;
  messages: number;
  arrived: number;
  seconds: number;
  readingsPerS: number;
  note: string;
}

const GOAL_READINGS: Record<number, number> = { 10: 100_000, 1: 20_000 };

/** What the instance's MQTT input says it did, and the broker's drop counter as it reads it. */
export async function inputStatus(child: IngestionChild): Promise<string> {
  const response = await fetch(`${child.url}/v1/ingestion/mqtt`).catch(() => undefined);
  if (!response?.ok) return `  ${child.name}: no MQTT input status (GET /v1/ingestion/mqtt)`;
  const { input, broker } = (await response.json()) as {
    input: { received: number; acknowledged: number; batches: number };
    broker: { droppedSinceStart: number; state: string };
  };
  const perAppend = (input.received / Math.max(1, input.batches)).toFixed(1);
  return (
    `  ${child.name}: ${rate(input.received)} messages received, ${rate(input.acknowledged)} acknowledged, ` +
    `in ${rate(input.batches)} appends (${perAppend} messages each); broker drops seen: ${rate(broker.droppedSinceStart)} (${broker.state})`
  );
}

/**
 * Where each instance's CPU went while the readings came in (first publish to last landing),
 * from the profiles the children wrote on exit; the profile's clock is placed by its end, which
 * is the process's exit (to within the exit's own few milliseconds).
 */
export function printProfiles(
  dir: string,
  pid: number,
  run: { from: number; to: number; exitedAt: number },
): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(`.${pid}.0.001.cpuprofile`))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const toProfileClock = (epochMs: number) => profile.endTime - (run.exitedAt - epochMs) * 1000;
    const { functions, places } = selfTimes(profile, {
      from: toProfileClock(run.from),
      to: toProfileClock(run.to),
    });
    const top = (list: typeof places, n: number) =>
      list
        .slice(0, n)
        .map((t) => `    ${(100 * t.share).toFixed(1).padStart(5)}%  ${t.name}`)
        .join('\n');
    console.log(
      `CPU profile ${join(dir, file)}, the ${((run.to - run.from) / 1000).toFixed(1)} s of the run:`,
    );
    console.log(`  self time by place:\n${top(places, 10)}`);
    console.log(`  self time by function:\n${top(functions, 15)}`);
  }
}

export function telegrafRow(shape: number, messages: number): Row {
  const found = (process.env['PATH'] ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, 'telegraf')));
  // Not built or downloaded here: the comparison runs only where Telegraf is installed.
  const note = found
    ? 'telegraf is on PATH, but this benchmark does not drive it yet'
    : 'not available: no telegraf binary on PATH, skipped';
  return {
    shape,
    what: 'Telegraf pipeline (mosquitto -> Telegraf -> InfluxDB)',
    messages,
    arrived: 0,
    seconds: 0,
    readingsPerS: 0,
    note,
  };
}

export function printSummary(rows: Row[], run: { instances: number; offeredRate: number }): void {
  console.log(
    '\n| readings/msg | pipeline | messages | arrived | seconds | readings/s | messages/s | vs bare | goal | note |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const bare = rows.find((r) => r.shape === row.shape && r.what.startsWith('bare'));
    const isIngestion = row.what.startsWith('Twinlog');
    const goal = GOAL_READINGS[row.shape];
    const goalText = run.offeredRate
      ? `offered ${rate(run.offeredRate)} msgs/s`
      : isIngestion && goal
        ? `${rate(goal / row.shape)} msgs/s: ${row.readingsPerS / run.instances >= goal ? 'met' : 'missed'} (${((100 * row.readingsPerS) / run.instances / goal).toFixed(0)}% per instance)`
        : '';
    const cells = row.seconds
      ? [
          rate(row.messages),
          rate(row.arrived),
          row.seconds.toFixed(2),
          rate(row.readingsPerS),
          rate(row.readingsPerS / row.shape),
          bare && isIngestion ? (row.readingsPerS / bare.readingsPerS).toFixed(2) : '',
        ]
      : ['', '', '', '', '', ''];
    console.log(
      `| ${row.shape} | ${row.what} | ${cells.join(' | ')} | ${goalText} | ${row.note} |`,
    );
  }
}
