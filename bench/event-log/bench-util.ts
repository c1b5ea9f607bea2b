/** `--name value` from the command line, as a number, or the default. */
export function arg(name: string, fallback: number): number {
  const value = numberArg(name, fallback);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** The same where 0 means something (off, or as fast as it goes). */
export function argOrZero(name: string, fallback: number): number {
  const value = numberArg(name, fallback);
  if (!(value >= 0)) throw new Error(`--${name} must be a number >= 0`);
  return value;
}

/** `--name value` from the command line as words (one quoted argument), or none. */
export function wordsArg(name: string): string[] {
  const [given, text] = valueOf(name);
  return given ? (text ?? '').split(' ').filter(Boolean) : [];
}

/** NaN or an infinity fails both checks above. */
function numberArg(name: string, fallback: number): number {
  const [given, text] = valueOf(name);
  const value = given ? Number(text) : fallback;
  return Number.isFinite(value) ? value : Number.NaN;
}

/** Whether `--name` is on the command line, and the word after it (undefined at the end). */
function valueOf(name: string): [boolean, string | undefined] {
  const i = process.argv.indexOf(`--${name}`);
  return [i >= 0, process.argv[i + 1]];
}

export function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/** A progress line on stderr, rewritten in place at most a few times a second. */
export function progressLine(
  label: string,
  started: number,
): (p: { events: number; total?: number }) => void {
  let last = 0;
  return ({ events, total }) => {
    const now = Date.now();
    if (now - last < 250 && events !== total) return;
    last = now;
    const seconds = (now - started) / 1000;
    const pct = total ? ` ${((100 * events) / total).toFixed(1)}%` : '';
    process.stderr.write(
      `\r${label}: ${events.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''}${pct}, ${rate(events / Math.max(seconds, 0.001))}/s   `,
    );
  };
}
