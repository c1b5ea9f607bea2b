import type { PhysicsModel } from '../../api/simulation-types';
import { FieldError, fieldProps, value } from './form-fields';
import { CHANGE_KINDS, type Change, type ChangeKind } from './scenario';
import type { Problem } from './scenario-request';

const HINT: Record<ChangeKind, string> = {
  set: 'value, e.g. 5000',
  step: '+20%, x1.3 or +5',
  fail: 'what remains, e.g. 10%',
  ramp: 'per hour, e.g. +2/h',
};

/** A list of changes (the perturbations, or the mitigations) with a row per change. */
export function Changes({
  title,
  prefix,
  changes,
  model,
  problems,
  onChange,
}: {
  title: string;
  prefix: 'p' | 'm';
  changes: Change[];
  model: PhysicsModel | undefined;
  problems: Problem[];
  onChange: (changes: Change[]) => void;
}) {
  const targets = model
    ? [
        ...model.states.map((n) => ({ name: n, what: 'state' })),
        ...model.inputs.map((n) => ({ name: n, what: 'input' })),
        ...model.parameters.map((p) => ({ name: p.name, what: `parameter, ${p.unit}` })),
      ]
    : [];
  const set = (i: number, patch: Partial<Change>) =>
    onChange(changes.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <fieldset class="changes">
      <legend>{title}</legend>
      {changes.length === 0 && <p class="empty">None.</p>}
      {changes.map((c, i) => {
        const f = `${prefix}.${i}`;
        const known = targets.some((t) => t.name === c.target);
        return (
          <div class="change" key={i} role="group" aria-label={`${title} ${i + 1}`}>
            <label>
              Change
              <select
                {...fieldProps(`${f}.kind`, problems)}
                value={c.kind}
                onChange={(e) => set(i, { kind: value(e) as ChangeKind })}
              >
                {CHANGE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Of
              <select
                {...fieldProps(`${f}.target`, problems)}
                value={c.target}
                onChange={(e) => set(i, { target: value(e) })}
              >
                {!known && <option value={c.target}>{c.target || 'choose…'}</option>}
                {targets.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.name} ({t.what})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Amount
              <input
                type="text"
                {...fieldProps(`${f}.amount`, problems)}
                value={c.amount}
                placeholder={HINT[c.kind]}
                onInput={(e) => set(i, { amount: value(e) })}
              />
            </label>
            <label>
              At
              <input
                type="text"
                class="short"
                value={c.at}
                placeholder="0"
                onInput={(e) => set(i, { at: value(e) })}
              />
            </label>
            <label>
              Until
              <input
                type="text"
                class="short"
                value={c.until}
                placeholder="the end"
                onInput={(e) => set(i, { until: value(e) })}
              />
            </label>
            <button
              type="button"
              class="quiet"
              onClick={() => onChange(changes.filter((_, j) => j !== i))}
            >
              Remove
              <span class="visually-hidden">
                {' '}
                {title.toLowerCase()} {i + 1}
              </span>
            </button>
            <FieldError field={`${f}.kind`} problems={problems} />
            <FieldError field={`${f}.target`} problems={problems} />
            <FieldError field={`${f}.amount`} problems={problems} />
          </div>
        );
      })}
      <button
        type="button"
        onClick={() =>
          onChange([
            ...changes,
            {
              kind: 'fail',
              target: model?.parameters[0]?.name ?? '',
              amount: '',
              at: '',
              until: '',
            },
          ])
        }
      >
        Add {prefix === 'p' ? 'a perturbation' : 'a mitigation'}
      </button>
    </fieldset>
  );
}
