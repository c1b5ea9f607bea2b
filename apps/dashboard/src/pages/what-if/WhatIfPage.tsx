import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/api-error';
import { compareScenarios, isJob, physicsModel, simulationJob } from '../../api/simulations';
import { askScenario, type ScenarioAsk } from '../../api/scenario-ask';
import { AskInWords } from './AskInWords';
import { scenarioFromAsk } from './ask-scenario';
import type { ComparisonResult, PhysicsModel, SimulationJob } from '../../api/simulation-types';
import type { TwinDetail } from '../../api/types';
import { SCENARIO_ROLE } from '../../auth/roles';
import { api, can } from '../../auth/session';
import { navigate, setQuery } from '../../router/router';
import { hrefOf } from '../../router/url-state';
import type { PageProps } from '../page';
import { buildBandChart, chartSummary, durationText } from './band-series';
import { ScenarioChart } from './ScenarioChart';
import { followJob } from './job-progress';
import { ScenarioForm } from './ScenarioForm';
import {
  baselineName,
  scenarioFromQuery,
  scenarioName,
  scenarioToQuery,
  type Scenario,
} from './scenario';
import { compareRequest, validateScenario, type Problem } from './scenario-request';
import './what-if.css';

const PHASE: Record<SimulationJob['progress']['phase'], string> = {
  calibrating: 'Calibrating the model on recent readings',
  simulating: 'Simulating',
  recommending: 'Working out advice',
  'monte-carlo': 'Sampling the uncertainty (Monte Carlo)',
};

/**
 * What if…? A scenario (perturbations, mitigations, horizon, samples) for one twin, checked
 * against its physics model, run as a comparison with a baseline, drawn with its uncertainty
 * band against the twin's limits. The scenario is in the URL: a link shares it (the colleague
 * runs it with their own key).
 */
export default function WhatIfPage({ query }: PageProps) {
  const search = hrefOf('', scenarioToQuery(scenarioFromQuery(query)));
  const fromUrl = useMemo(() => scenarioFromQuery(query), [search]);
  const [draft, setDraft] = useState<Scenario>(fromUrl);
  const [twinIds, setTwinIds] = useState<string[]>([]);
  const [twin, setTwin] = useState<TwinDetail | undefined>();
  const [model, setModel] = useState<PhysicsModel | undefined>();
  const [modelNote, setModelNote] = useState<string | undefined>();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [progress, setProgress] = useState<SimulationJob['progress'] | 'waiting' | undefined>();
  const [result, setResult] = useState<ComparisonResult | undefined>();
  const [ran, setRan] = useState<Scenario | undefined>();
  const [runError, setRunError] = useState<string | undefined>();
  const [asked, setAsked] = useState<ScenarioAsk | undefined>();
  const errorsRef = useRef<HTMLDivElement>(null);
  const resultsRef = useRef<HTMLHeadingElement>(null);
  const running = useRef<AbortController | undefined>(undefined);

  useEffect(() => setDraft(fromUrl), [fromUrl]);
  useEffect(() => {
    document.title = 'What if · Twinlog';
    const abort = new AbortController();
    api.twins(abort.signal).then(
      (list) =>
        setTwinIds(
          list
            .filter((t) => t.status === 'active')
            .map((t) => t.twinId)
            .sort(),
        ),
      () => undefined,
    );
    return () => {
      abort.abort();
      running.current?.abort();
    };
  }, []);

  // The twin's type and limits, then its type's model: what the form may change, and how.
  useEffect(() => {
    setTwin(undefined);
    setModel(undefined);
    setModelNote(undefined);
    if (!draft.twin) return;
    const abort = new AbortController();
    (async () => {
      try {
        const t = await api.twin(draft.twin, abort.signal);
        setTwin(t);
        setModel(await physicsModel(api, t.twinType, abort.signal));
      } catch (e) {
        if (abort.signal.aborted) return;
        setModelNote(
          e instanceof ApiError && e.code === 'PHYSICS_MODEL_MISSING'
            ? `${draft.twin} cannot be simulated: its type has no physics model.`
            : (e as Error).message,
        );
      }
    })();
    return () => abort.abort();
  }, [draft.twin]);

  const run = async () => {
    const found = validateScenario(draft, model);
    setProblems(found);
    if (found.length > 0) {
      requestAnimationFrame(() => errorsRef.current?.focus());
      return;
    }
    setAsked(undefined);
    navigate(hrefOf('/what-if', scenarioToQuery(draft)));
    await runWith(async (signal) => ({
      scenario: draft,
      answer: await compareScenarios(api, compareRequest(draft), signal),
    }));
  };

  // Plain words: the service proposes, validates and runs the scenario; the form then holds it.
  const askInWords = (text: string) =>
    runWith(async (signal) => {
      const { ask, ...answer } = await askScenario(api, { twinId: draft.twin, ask: text }, signal);
      const scenario = scenarioFromAsk(ask, draft);
      setAsked(ask);
      setProblems([]);
      setDraft(scenario);
      navigate(hrefOf('/what-if', scenarioToQuery(scenario)));
      return { scenario, answer };
    });

  const runWith = async (
    start: (
      signal: AbortSignal,
    ) => Promise<{ scenario: Scenario; answer: ComparisonResult | SimulationJob }>,
  ) => {
    running.current?.abort();
    const abort = new AbortController();
    running.current = abort;
    setRunError(undefined);
    setProgress('waiting');
    try {
      const started = await start(abort.signal);
      let answer = started.answer;
      if (isJob(answer)) {
        // A long run: its progress, asked ever less often (job-progress.ts), until it ends or the page leaves.
        const id = answer.simulationId;
        const ended = await followJob(
          answer,
          (signal) => simulationJob(api, id, signal),
          (job) => setProgress(job.progress),
          abort.signal,
        );
        if (!ended) return;
        answer = ended;
      }
      if (isJob(answer)) {
        if (!answer.result) throw new Error(answer.error?.message ?? `The run ${answer.status}.`);
        answer = answer.result;
      }
      setResult(answer);
      setRan(started.scenario);
      requestAnimationFrame(() => resultsRef.current?.focus());
    } catch (e) {
      if (!abort.signal.aborted) setRunError((e as Error).message);
    } finally {
      if (running.current === abort) setProgress(undefined);
    }
  };

  const chart = useMemo(() => {
    if (!result) return undefined;
    const limits =
      twin && Object.hasOwn(twin.limits, query.property ?? '')
        ? twin.limits[query.property!]
        : undefined;
    const c = buildBandChart(result, query.property ?? '', limits);
    // The property drawn may be the default: its limits then.
    if (!limits && twin && Object.hasOwn(twin.limits, c.property))
      return buildBandChart(result, c.property, twin.limits[c.property]);
    return c;
  }, [result, twin, query.property]);

  return (
    <section class="what-if" aria-labelledby="what-if-title">
      <div class="page-head">
        <h1 id="what-if-title">What if…?</h1>
        {draft.twin && (
          <p class="summary">
            <a href={`/twins/${encodeURIComponent(draft.twin)}`}>{draft.twin}</a>
            {twin ? ` · ${twin.twinType}` : ''}
          </p>
        )}
      </div>
      {modelNote && (
        <p class="notice" role="alert">
          {modelNote}
        </p>
      )}
      {problems.length > 0 && (
        <div class="notice" role="alert" tabIndex={-1} ref={errorsRef}>
          <p>The scenario needs changes before it can run:</p>
          <ul>
            {problems.map((p) => (
              <li key={p.field}>
                <a href={`#f-${p.field}`}>{p.message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <AskInWords
        twin={draft.twin}
        canAsk={can(SCENARIO_ROLE)}
        busy={progress !== undefined}
        asked={asked}
        onAsk={(text) => void askInWords(text)}
      />
      <ScenarioForm
        draft={draft}
        model={model}
        twinIds={twinIds}
        problems={problems}
        canRun={can(SCENARIO_ROLE)}
        running={progress !== undefined}
        onChange={(s) => {
          setDraft(s);
          if (problems.length) setProblems(validateScenario(s, model));
        }}
        onRun={run}
      />
      {progress !== undefined && (
        <div class="scenario-progress" data-testid="scenario-progress" role="status">
          {progress === 'waiting' ? (
            <>
              <span>Running the scenario…</span>
              <progress aria-label="Simulation progress" />
            </>
          ) : (
            <>
              <span>
                {PHASE[progress.phase]}: {Math.round(progress.fraction * 100)}%
              </span>
              <progress aria-label="Simulation progress" max={1} value={progress.fraction} />
            </>
          )}
          <button type="button" class="quiet" onClick={() => running.current?.abort()}>
            Stop waiting
          </button>
        </div>
      )}
      {runError && (
        <p class="notice" role="alert">
          The run failed: {runError}
        </p>
      )}
      {result && ran && chart && (
        <section class="scenario-result" aria-labelledby="scenario-result-title">
          <h2 id="scenario-result-title" tabIndex={-1} ref={resultsRef}>
            Result: {scenarioName(ran)} against {baselineName(ran).toLowerCase()}
          </h2>
          <label class="property-pick">
            Property
            <select
              value={chart.property}
              onChange={(e) => setQuery({ property: (e.target as HTMLSelectElement).value })}
            >
              {Object.keys(result.alternative.trajectory.properties).map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <ScenarioChart chart={chart} summary={chartSummary(chart, result)} />
          <ResultText result={result} ran={ran} />
        </section>
      )}
    </section>
  );
}

function ResultText({ result, ran }: { result: ComparisonResult; ran: Scenario }) {
  const { base, alternative, comparison } = result;
  const ttl = (s: number | null) => (s === null ? 'none within the horizon' : durationText(s));
  return (
    <div class="scenario-text">
      <dl class="facts">
        <dt>Risk</dt>
        <dd>
          {scenarioName(ran)}: <strong>{alternative.riskLevel}</strong>;{' '}
          {baselineName(ran).toLowerCase()}: {base.riskLevel}
        </dd>
        <dt>Time to the first limit</dt>
        <dd>
          {scenarioName(ran)}: {ttl(alternative.timeToFirstLimitSeconds)};{' '}
          {baselineName(ran).toLowerCase()}: {ttl(base.timeToFirstLimitSeconds)}
        </dd>
        <dt>Verdict</dt>
        <dd>
          {comparison.verdict === 'alternative-better'
            ? `${scenarioName(ran)} is better`
            : comparison.verdict === 'base-better'
              ? `${baselineName(ran)} is better`
              : 'No difference'}
          {comparison.reason ? `: ${comparison.reason}` : ''}
        </dd>
      </dl>
      <h3>Limits the scenario reaches</h3>
      {alternative.crossings.length === 0 ? (
        <p>None within {durationText(alternative.horizonSeconds)}.</p>
      ) : (
        <ul>
          {alternative.crossings.map((c, i) => (
            <li key={i}>
              {c.property} reaches its {c.level} {c.bound} limit ({c.limit}) after{' '}
              {durationText(c.atSeconds)} (
              <time dateTime={c.at}>{new Date(c.at).toLocaleString()}</time>)
            </li>
          ))}
        </ul>
      )}
      {alternative.uncertainty && alternative.uncertainty.crossingProbabilities.length > 0 && (
        <>
          <h3>Chance of reaching a limit ({alternative.uncertainty.samples} samples)</h3>
          <ul>
            {alternative.uncertainty.crossingProbabilities.map((p, i) => (
              <li key={i}>
                {p.property} {p.level} {p.bound} ({p.limit}): {Math.round(p.probability * 100)}%
                {p.medianAtSeconds !== null
                  ? `, median after ${durationText(p.medianAtSeconds)}`
                  : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {alternative.recommendations.length > 0 && (
        <>
          <h3>Advice</h3>
          <ul>
            {alternative.recommendations.map((r, i) => (
              <li key={i}>{r.message}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
