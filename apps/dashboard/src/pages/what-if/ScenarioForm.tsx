import type { PhysicsModel } from '../../api/simulation-types';
import { FieldError, fieldProps, value } from './form-fields';
import type { Scenario } from './scenario';
import type { Problem } from './scenario-request';
import { Changes } from './ScenarioChanges';

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
