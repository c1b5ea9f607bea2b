import type { SimulationSummary } from '@twinlog/domain';
import type { SimulationResult } from './simulation-result';

/** What the audit trail keeps of a run (SimulationCompleted): small, no trajectories. */
export function summaryOf(simulationId: string, result: SimulationResult): SimulationSummary {
  const strip = ({
    property,
    level,
    bound,
    limit,
    atSeconds,
  }: SimulationResult['crossings'][number]) => ({
    property,
    level,
    bound,
    limit,
    atSeconds,
  });
  return {
    simulationId,
    riskLevel: result.riskLevel,
    firstLimit: result.firstLimit ? strip(result.firstLimit) : null,
    crossings: result.crossings.map(strip),
    crossingProbabilities: (result.uncertainty?.crossingProbabilities ?? []).map(
      ({ property, level, probability }) => ({ property, level, probability }),
    ),
    calibration: result.calibration.groups.map(({ group, status, points, rmse }) => ({
      group,
      status,
      points,
      rmse,
    })),
    recommendations: result.recommendations.map((r) => r.message),
  };
}
