import type { PhysicsModel } from '../../api/simulation-types';
import { CHANGE_KINDS, type Change, type ChangeKind, type Scenario } from './scenario';
import type { Problem } from './scenario-request';

const HINT: Record<ChangeKind, string> = {
  set: 'value, e.g. 5000',
  step: '+20%, x1.3 or +5',
  fail: 'what remains, e.g. 10%',
  ramp: 'per hour, e.g. +2/h',
};

const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;

/** Props of a field: its id, and its problem (aria-invalid, described by the message). */
function fieldProps(field: string, problems: Problem[]) {
  const problem = problems.find((p) => p.field === field);
  return {
    id: `f-${field}`,
    'aria-invalid': problem ? ('true' as const) : undefined,
    'aria-describedby': problem ? `e-${field}` : undefined,
  };
}

function FieldError({ field, problems }: { field: string; problems: Problem[] }) {
  const problem = problems.find((p) => p.field === field);
  return problem ? (
    <span class="field-error" id={`e-${field}`}>
      {problem.message}
    </span>
  ) : null;
}

function Changes({
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

/** The scenario's form: checked against the twin type's model before anything is sent. */
export function ScenarioForm({
  draft,
  model,
  twinIds,
  problems,
  canRun,
  running,
  onChange,
  onRun,
}: {
  draft: Scenario;
  model: PhysicsModel | undefined;
  twinIds: string[];
  problems: Problem[];
  canRun: boolean;
  running: boolean;
  onChange: (s: Scenario) => void;
  onRun: () => void;
}) {
  const set = (patch: Partial<Scenario>) => onChange({ ...draft, ...patch });
  return (
    <form
      class="scenario-form"
      data-testid="scenario-form"
      aria-label="Scenario"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (canRun && !running) onRun();
      }}
    >
      <div class="row">
        <label>
          Twin
          <select value={draft.twin} onChange={(e) => set({ twin: value(e), property: '' })}>
            {!twinIds.includes(draft.twin) && (
              <option value={draft.twin}>{draft.twin || 'choose a twin…'}</option>
            )}
            {twinIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Horizon
          <input
            type="text"
            class="short"
            {...fieldProps('horizon', problems)}
            value={draft.horizon}
            onInput={(e) => set({ horizon: value(e) })}
          />
        </label>
        <label>
          Step
          <input
            type="text"
            class="short"
            {...fieldProps('step', problems)}
            value={draft.step}
            placeholder="auto"
            onInput={(e) => set({ step: value(e) })}
          />
        </label>
        <label>
          Samples
          <input
            type="number"
            class="short"
            min={0}
            max={10000}
            {...fieldProps('samples', problems)}
            value={String(draft.samples)}
            onInput={(e) => set({ samples: value(e) === '' ? Number.NaN : Number(value(e)) })}
          />
        </label>
        <label>
          Seed
          <input
            type="number"
            class="short"
            {...fieldProps('seed', problems)}
            value={String(draft.seed)}
            onInput={(e) => set({ seed: Number(value(e)) })}
          />
        </label>
      </div>
      <FieldError field="horizon" problems={problems} />
      <FieldError field="step" problems={problems} />
      <FieldError field="samples" problems={problems} />
      <FieldError field="seed" problems={problems} />
      <Changes
        title="Perturbations"
        prefix="p"
        changes={draft.perturbations}
        model={model}
        problems={problems}
        onChange={(perturbations) => set({ perturbations })}
      />
      <Changes
        title="Mitigations"
        prefix="m"
        changes={draft.mitigations}
        model={model}
        problems={problems}
        onChange={(mitigations) => set({ mitigations })}
      />
      <div id="f-changes" tabIndex={-1}>
        <FieldError field="changes" problems={problems} />
      </div>
      {canRun ? (
        <button
          type="submit"
          class="primary"
          data-testid="scenario-run"
          disabled={running || !draft.twin}
        >
          {running ? 'Running…' : 'Run scenario'}
        </button>
      ) : (
        <p class="summary">
          Running a scenario needs the operator role; you can read shared results' settings here.
        </p>
      )}
    </form>
  );
}
