import { z } from 'zod';
import { RulError } from './rul-error';
import { RUL_MODEL_FORMAT, RUL_MODEL_VERSION, type RulModel } from './rul-model';
import { featureCount } from './window-features';
import { CMAPSS_SENSORS, CMAPSS_SETTINGS } from './cmapss-parse';

const finite = z.number().finite();
const tree = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(finite),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(finite),
});
const linear = z.object({ intercept: finite, weights: z.array(finite) });
const schema = z.object({
  format: z.literal(RUL_MODEL_FORMAT),
  version: z.literal(RUL_MODEL_VERSION),
  cap: finite.positive(),
  normalisation: z.object({
    regimes: z.object({
      scale: z.array(finite.positive()).length(CMAPSS_SETTINGS),
      centers: z.array(z.array(finite)).min(1),
    }),
    kept: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(CMAPSS_SENSORS - 1),
      )
      .min(1),
    mean: z.array(z.array(finite)),
    std: z.array(z.array(finite.positive())),
  }),
  healthIndex: linear,
  features: z.object({
    ewma: z.array(finite.gt(0).lte(1)),
    means: z.array(z.number().int().positive()),
    slopes: z.array(z.number().int().positive()),
    cycle: z.boolean(),
  }),
  regressor: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('trees'), trees: z.object({ base: finite, trees: z.array(tree) }) }),
    z.object({ kind: z.literal('linear'), linear }),
  ]),
  bands: z
    .object({
      edges: z.array(finite),
      residuals: z.array(z.tuple([finite, finite, finite])),
      calibration: z
        .object({
          weighting: z.enum(['cycles', 'test-cut']),
          units: z.number().int().min(0),
          levels: z.tuple([finite, finite, finite]),
        })
        .optional(),
    })
    .nullable(),
  training: z.object({
    units: z.number(),
    rows: z.number(),
    seed: z.number(),
    testCut: z
      .object({
        minHistory: z.number().int().min(1),
        minRul: z.number().int().min(0),
        maxRul: z.number().int().min(0),
        shape: z.enum(['uniform', 'early', 'late']),
      })
      .optional(),
    weighRows: z.boolean().optional(),
  }),
});

/**
 * Checks that parsed JSON is a model this code can run: the shape, and that its parts agree
 * with each other (sizes, feature indices, trees that end), so a damaged or foreign file is
 * refused with a message instead of predicting nonsense.
 */
export function validateRulModel(json: unknown): RulModel {
  if (
    typeof json === 'object' &&
    json !== null &&
    'version' in json &&
    json.version !== RUL_MODEL_VERSION
  )
    throw invalid(
      `version ${String(json.version)} is not supported (this build reads version ${RUL_MODEL_VERSION})`,
    );
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`${issue.path.join('.') || '(document)'}: ${issue.message}`);
  }
  const model = parsed.data as RulModel;
  const problem = consistencyProblem(model);
  if (problem) throw invalid(problem);
  return model;
}

function consistencyProblem(model: RulModel): string | undefined {
  const { normalisation: norm, regressor, bands } = model;
  const regimes = norm.regimes.centers.length;
  const kept = norm.kept.length;
  const dims = norm.regimes.scale.length;
  if (norm.regimes.centers.some((c) => c.length !== dims))
    return 'regime centres and scale differ in size';
  if (norm.mean.length !== regimes || norm.std.length !== regimes)
    return 'normalisation needs one row per regime';
  if ([...norm.mean, ...norm.std].some((row) => row.length !== kept))
    return 'normalisation rows must match the kept sensors';
  if (model.healthIndex.weights.length !== kept)
    return 'health index weights must match the kept sensors';
  const width = featureCount(model.features, kept + 1);
  if (regressor.kind === 'linear' && regressor.linear.weights.length !== width)
    return `linear weights: ${regressor.linear.weights.length}, features: ${width}`;
  if (regressor.kind === 'trees') {
    const at = regressor.trees.trees.findIndex((t) => treeProblem(t, width));
    if (at >= 0) return `tree ${at}: ${treeProblem(regressor.trees.trees[at]!, width)}`;
  }
  if (bands && bands.residuals.length !== bands.edges.length + 1)
    return 'bands need one residual row per bin';
  return undefined;
}

function treeProblem(t: z.infer<typeof tree>, width: number): string | undefined {
  const n = t.feature.length;
  if (n === 0 || [t.threshold, t.left, t.right, t.value].some((a) => a.length !== n))
    return 'arrays differ in length';
  for (let i = 0; i < n; i++) {
    if (t.feature[i]! < 0) continue;
    if (t.feature[i]! >= width)
      return `node ${i} splits on feature ${t.feature[i]}, the model has ${width}`;
    // Children come after their parent, so every walk ends.
    if (!(t.left[i]! > i && t.left[i]! < n && t.right[i]! > i && t.right[i]! < n))
      return `node ${i} has bad children`;
  }
  return undefined;
}

function invalid(what: string): RulError {
  return new RulError('RUL_MODEL_INVALID', `not a usable RUL model: ${what}`);
}
