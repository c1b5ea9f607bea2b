import type { ScenarioAsk } from '../../api/scenario-ask';
import { CHANGE_KINDS, type Change, type ChangeKind, type Scenario } from './scenario';

/*
 * The scenario an ask in plain words became, as the what-if form holds it: the person sees it,
 * edits it and runs it again like any other. Pure: no DOM, no fetch.
 */

/** Seconds as the form writes times: `2h`, `90m`, `45s`, `1d`. */
export function durationOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (value > 0 && value % 86_400 === 0) return `${value / 86_400}d`;
  if (value > 0 && value % 3_600 === 0) return `${value / 3_600}h`;
  if (value > 0 && value % 60 === 0) return `${value / 60}m`;
  return `${value}s`;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A perturbation body as a form change (`x1.2`, `+3`, `0.1`, `2/h`, or the set value). */
export function changeFromBody(p: Record<string, unknown>): Change | undefined {
  const kind = p['kind'] as ChangeKind;
  if (!CHANGE_KINDS.includes(kind) || typeof p['target'] !== 'string') return undefined;
  const signed = (x: number) => (x >= 0 ? `+${x}` : `${x}`);
  let amount = '';
  switch (kind) {
    case 'set':
      amount = String(num(p['value']) ?? '');
      break;
    case 'step': {
      const by = num(p['by']);
      const factor = num(p['factor']);
      const percent = num(p['percent']);
      amount =
        by !== undefined
          ? signed(by)
          : factor !== undefined
            ? `x${factor}`
            : percent !== undefined
              ? `${signed(percent)}%`
              : '';
      break;
    }
    case 'fail':
      amount = String(num(p['remaining']) ?? 0);
      break;
    case 'ramp':
      amount = `${signed(num(p['ratePerHour']) ?? 0)}/h`;
      break;
  }
  const at = num(p['at']) ?? 0;
  const until = p['until'] === undefined ? '' : durationOf(p['until']);
  return { kind, target: p['target'], amount, at: at === 0 ? '0' : durationOf(at), until };
}

/** The form's scenario from the ask's: the twin, horizon, step, samples, changes; the rest kept. */
export function scenarioFromAsk(ask: ScenarioAsk, current: Scenario): Scenario {
  const s = ask.scenario;
  const changes = (list: Array<Record<string, unknown>>) =>
    list.map(changeFromBody).filter((c): c is Change => c !== undefined);
  return {
    ...current,
    twin: s.twinId,
    horizon: durationOf(s.horizon),
    step: s.step === undefined ? '' : durationOf(s.step),
    samples: s.monteCarlo?.samples ?? 0,
    seed: s.monteCarlo?.seed ?? current.seed,
    perturbations: changes(s.perturbations),
    mitigations: changes(ask.mitigations),
    property: '',
  };
}
