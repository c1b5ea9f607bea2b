import { scenarioInvalid } from './scenario';

/** The JSON form of one perturbation, as the HTTP API takes it. */
export type PerturbationInput = Record<string, string | number>;

const RATE_UNITS: Record<string, number> = { s: 3600, min: 60, m: 60, h: 1, d: 1 / 24 };

/**
 * One perturbation written the way people say it, for the command line:
 *   fail cooling_capacity 10% at 0          (10% of the cooling remains)
 *   ramp temperature +2/h at 30m until 4h
 *   step spindle_speed +20% at 1h           (also +500, x1.2)
 *   set spindle_speed 6000 at 2h
 */
export function parsePerturbationText(text: string): PerturbationInput {
  const words = text.trim().split(/\s+/);
  const [kind, target, ...rest] = words;
  const fail = (why: string) => scenarioInvalid([`"${text}": ${why}`]);
  if (!kind || !['set', 'step', 'ramp', 'fail'].includes(kind)) {
    throw fail('start with set, step, ramp or fail');
  }
  if (!target) throw fail('name the property or parameter to change');
  const out: PerturbationInput = { kind, target };
  let amount: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === 'at' || word === 'until') {
      const value = rest[++i];
      if (value === undefined) throw fail(`"${word}" needs a time (like 0, 30m, 2h)`);
      out[word] = value;
    } else if (amount === undefined) {
      amount = word;
    } else {
      throw fail(`unexpected "${word}"`);
    }
  }
  Object.assign(out, amountOf(kind, amount, fail));
  return out;
}

function amountOf(
  kind: string,
  amount: string | undefined,
  fail: (why: string) => Error,
): PerturbationInput {
  if (kind === 'fail') {
    if (amount === undefined) return {};
    const share = amount.endsWith('%') ? Number(amount.slice(0, -1)) / 100 : Number(amount);
    if (!Number.isFinite(share)) throw fail(`"${amount}" is not a share left (like 10% or 0.1)`);
    return { remaining: share };
  }
  if (amount === undefined) throw fail(`${kind} needs an amount`);
  if (kind === 'set') {
    const value = Number(amount);
    if (!Number.isFinite(value)) throw fail(`"${amount}" is not a number`);
    return { value };
  }
  if (kind === 'ramp') {
    const match = /^([+-]?\d+(?:\.\d+)?)\/(s|min|m|h|d)$/.exec(amount);
    if (!match) throw fail(`"${amount}" is not a rate (like +2/h or -50/min)`);
    return { ratePerHour: Number(match[1]) * RATE_UNITS[match[2]!]! };
  }
  const percent = /^([+-]\d+(?:\.\d+)?)%$/.exec(amount);
  if (percent) return { percent: Number(percent[1]) };
  const factor = /^[x*](\d+(?:\.\d+)?)$/.exec(amount);
  if (factor) return { factor: Number(factor[1]) };
  const by = /^[+-]\d+(?:\.\d+)?$/.exec(amount);
  if (by) return { by: Number(amount) };
  throw fail(`"${amount}" is not a change (like +20%, -500 or x1.2)`);
}
