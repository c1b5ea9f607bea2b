import type { IncomingMessage } from 'node:http';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  byCodeUnits,
  Caller,
  ClientGone,
  Describe,
  maySee,
  PAGE_MAX,
  PageCursor,
  pageOf,
  pagingParams,
  type Principal,
  q,
  QueryParams,
  Requires,
  keysetPage,
  STATUS_OF_CODE,
} from '@twinlog/service-kit';
import { z } from 'zod';
import type { SimulationConfig } from '../config/simulation.config';
import { SimulationJobs, type Job } from '../jobs/simulation-jobs';
import { SimulationRuns, type Started } from '../runs/simulation-runs.service';
import { SIMULATION_CONFIG } from '../tokens';
import { metaOf, splitCompare, splitRun } from './request-bodies';
import { askTextOf, SimulationAsks } from '../ask/simulation-ask.service';
import { scenarioInvalid } from '@twinlog/physics';
import {
  ASK_BODY,
  ASK_JOB,
  ASK_RESULT,
  COMPARE_BODY,
  COMPARE_RESULT,
  RUN_BODY,
  SIMULATION_JOB,
  SIMULATION_JOB_WITH_RESULT,
  SIMULATION_RESULT,
} from './simulation-answers';

const RUN_ERRORS = {
  400: 'SCENARIO_INVALID: `details.problems` names each bad field',
  404: 'TWIN_NOT_FOUND: no such twin, or one of a site the caller does not have',
  409: 'SIMULATION_CANCELLED: the run was cancelled while the request waited',
  422: 'PHYSICS_MODEL_MISSING, SIMULATION_OUT_OF_RANGE, SIMULATION_TOO_COSTLY, PROPERTY_UNKNOWN',
  503: 'SIMULATION_BUSY: as many runs as this instance takes are computing or waiting (Retry-After)',
};
const JOB_ACCEPTED = {
  202: {
    description: 'A large run (or `async=true`): a job to follow (GET, its Location) or cancel',
    schema: SIMULATION_JOB,
  },
};

/** `?async=true|false`: answer 202 with a job, or wait for the result (default: by size). */
const RUN_QUERY = z.object({ async: q.bool().optional() });
const LIST_QUERY = z.object({ twinId: q.twinId().optional(), ...pagingParams() });
/** The jobs list is in the order they were made: a page continues after one's (createdAt, id). */
const JOBS_CURSOR = new PageCursor(
  'simulations',
  z.tuple([z.string().max(64), z.string().max(128)]),
);
type JobKey = [createdAt: string, id: string];
const byCreation = (a: JobKey, b: JobKey) => byCodeUnits(a[0], b[0]) || byCodeUnits(a[1], b[1]);

interface Reply {
  status(code: number): Reply;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
  on(event: 'close', listener: () => void): void;
  writableFinished: boolean;
}

/**
 * What-if runs. POST answers 200 with the result when the run is small, or 202 with a job to
 * follow (GET) or cancel (DELETE) when it is large or `?async=true`.
 */
@Controller('v1/simulations')
export class SimulationsHttpController {
  constructor(
    private readonly runs: SimulationRuns,
    private readonly jobs: SimulationJobs,
    private readonly asks: SimulationAsks,
    @Inject(SIMULATION_CONFIG) private readonly config: SimulationConfig,
  ) {}

  @Requires('operator')
  @Post()
  @QueryParams(RUN_QUERY)
  @Describe({
    summary: 'Run a what-if scenario',
    description:
      'Answers the result when the run is small, or 202 with a job when it is large or `async=true` (`async=false` always waits).',
    body: RUN_BODY,
    response: SIMULATION_RESULT,
    status: 200,
    also: JOB_ACCEPTED,
    errors: RUN_ERRORS,
  })
  async run(
    @Body() body: unknown,
    @Query('async') async: boolean | undefined,
    @Req() req: IncomingMessage,
    @Res() res: Reply,
  ) {
    const { twinId, at, scenario } = splitRun(body);
    await this.answer(await this.runs.run(twinId, at, scenario, metaOf(req)), async, res);
  }

  @Requires('operator')
  @Post('compare')
  @QueryParams(RUN_QUERY)
  @Describe({
    summary: 'Compare two scenarios on one twin',
    body: COMPARE_BODY,
    response: COMPARE_RESULT,
    status: 200,
    also: JOB_ACCEPTED,
    errors: RUN_ERRORS,
  })
  async compare(
    @Body() body: unknown,
    @Query('async') async: boolean | undefined,
    @Req() req: IncomingMessage,
    @Res() res: Reply,
  ) {
    const { twinId, at, base, alternative } = splitCompare(body);
    await this.answer(
      await this.runs.compare(twinId, at, base, alternative, metaOf(req)),
      async,
      res,
    );
  }

  @Requires('operator')
  @Post('ask')
  @QueryParams(RUN_QUERY)
  @Describe({
    summary: 'Run a what-if asked in plain words (AI)',
    description:
      "The model turns the words into a scenario for the twin type's physics model; Twinlog validates it like POST /v1/simulations (asking once more with the problems) and runs it the same way (with mitigations, or `baseline`: as a comparison). The answer is the run's (or the job's) plus `ask`: the scenario that ran, exactly as POST /v1/simulations takes it. See docs/ai.md.",
    body: ASK_BODY,
    response: ASK_RESULT,
    status: 200,
    also: {
      202: {
        description: 'A large run (or `async=true`): the job, with the `ask`',
        schema: ASK_JOB,
      },
    },
    errors: {
      ...RUN_ERRORS,
      422: `SCENARIO_NOT_SIMULABLE: the model says the twin's model cannot simulate it (\`details.reason\`, \`details.unsupported\`) or proposed twice a scenario that fails validation (\`details.problems\`); ${RUN_ERRORS[422]}`,
      429: "AI_BUDGET_EXHAUSTED: the day's tokens are spent (Retry-After); AI_RATE_LIMITED: this caller's new asks this hour reached TWINLOG_AI_ASKS_PER_CALLER_PER_HOUR (Retry-After)",
      502: 'AI_UNAVAILABLE: the model server failed, or did not answer within TWINLOG_AI_ASK_DEADLINE_MS (`details.reason`: timeout); AI_ANSWER_INVALID',
      503: `AI_OFF: AI is not configured (the message says how to turn it on); AI_BUSY: too many asks waiting, or the model server rate-limits Twinlog (Retry-After); ${RUN_ERRORS[503]}`,
    },
  })
  async ask(
    @Body() body: unknown,
    @Query('async') async: boolean | undefined,
    @Req() req: IncomingMessage,
    @Res() res: Reply,
    @Caller() caller: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    // The whole request counts toward the ask's deadline (TWINLOG_AI_ASK_DEADLINE_MS).
    const since = Date.now();
    const request = askRequestOf(body);
    const { started, ask } = await this.asks.ask(request, metaOf(req), {
      id: caller.id,
      signal: gone,
      since,
    });
    await this.answer(started, async, res, { ask });
  }

  @Get()
  @QueryParams(LIST_QUERY)
  @Describe({
    summary: 'Simulation jobs',
    description:
      'Running and recently finished runs of every replica, oldest first; the audit trail keeps every run.',
    response: pageOf('simulations', SIMULATION_JOB),
  })
  async list(@Query() query: z.infer<typeof LIST_QUERY>, @Caller() caller: Principal) {
    const keyOf = (job: Job): JobKey => [job.createdAt, job.id];
    const visible = (await this.jobs.list(query.twinId))
      .filter((job) => maySee(caller, job.site))
      .sort((a, b) => byCreation(keyOf(a), keyOf(b)));
    const { items, next } = keysetPage(visible, query, {
      cursor: JOBS_CURSOR,
      max: PAGE_MAX,
      keyOf,
      compare: byCreation,
    });
    return {
      simulations: items.map((job) => viewOf(job, false)),
      next,
    };
  }

  @Get(':id')
  @Describe({
    summary: 'A simulation job, with its result once completed',
    response: SIMULATION_JOB_WITH_RESULT,
    errors: { 404: 'SIMULATION_NOT_FOUND' },
  })
  async get(@Param('id') id: string, @Caller() caller: Principal) {
    // A job of another site's twin answers as no job at all.
    return viewOf(await this.jobs.get(id, (job) => maySee(caller, job.site)), true);
  }

  @Requires('operator')
  @Delete(':id')
  @HttpCode(202)
  @Describe({
    summary: 'Cancel a simulation job',
    response: SIMULATION_JOB,
    errors: { 404: 'SIMULATION_NOT_FOUND', 409: 'SIMULATION_FINISHED: it already ended' },
  })
  async cancel(@Param('id') id: string, @Caller() caller: Principal) {
    return viewOf(await this.jobs.cancel(id, (job) => maySee(caller, job.site)), false);
  }

  private async answer(
    started: Started<unknown>,
    async: boolean | undefined,
    res: Reply,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const { job } = started;
    if (async === true || (async !== false && started.work > this.config.syncMaxWork)) {
      res.setHeader('Location', `/v1/simulations/${job.id}`);
      res.status(202).json({ ...viewOf(job, false), ...extra });
      return;
    }
    // A client that goes away no longer wants the answer: its run stops and frees its worker.
    res.on('close', () => {
      if (!res.writableFinished) this.jobs.abandon(job.id);
    });
    await started.done;
    if (job.status === 'completed') {
      res.status(200).json({ ...(job.result as object), ...extra });
      return;
    }
    const error = job.error ?? {
      code: 'SIMULATION_CANCELLED',
      message: `Simulation ${job.id} was cancelled`,
    };
    // The one error envelope: details too, as every other refusal has.
    res
      .status(job.status === 'cancelled' ? 409 : statusOfFailure(job))
      .json({ error: { ...error, details: {} } });
  }
}

/** `{ twinId, ask, at?, baseline? }`, each bad field named (SCENARIO_INVALID). */
function askRequestOf(body: unknown) {
  const parsed = ASK_BODY.safeParse(body);
  if (!parsed.success)
    throw scenarioInvalid(
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`),
    );
  const { twinId, at, ask, baseline } = parsed.data;
  return {
    twinId,
    ...(at === undefined ? {} : { at }),
    text: askTextOf(ask),
    baseline: baseline === true,
  };
}

/** A failed run answers with its error's own status (a domain code's, 503 for the log), else 500. */
function statusOfFailure(job: Job): number {
  const code = job.error?.code ?? '';
  if (code === 'LOG_UNAVAILABLE') return 503;
  return Object.hasOwn(STATUS_OF_CODE, code)
    ? STATUS_OF_CODE[code as keyof typeof STATUS_OF_CODE]
    : 500;
}

/** A job as the API shows it; the result only when asked for one job. */
function viewOf(job: Job, withResult: boolean) {
  return {
    simulationId: job.id,
    kind: job.kind,
    twinId: job.twinId,
    status: job.status,
    progress: {
      phase: job.progress.phase,
      fraction: Math.round(job.progress.fraction * 1000) / 1000,
    },
    cancelRequested: job.cancelRequested,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    error: job.error,
    ...(withResult && job.status === 'completed' ? { result: job.result } : {}),
  };
}
