import type { TwinDetail } from '../../api/types';
import { LimitsBar } from '../../components/LimitsBar';
import { quantity } from '../../components/number-format';
import { StatusBadge } from '../../components/StatusBadge';

/** What the limits and band columns say for a property the model gives no limits (e.g. wip). */
export const NO_LIMITS = 'No limits in the model: shown for information, never banded.';

/**
 * Each reported value against its limits, with its band in text and when it was read. The page
 * refetches the twin as readings arrive (the stream), so the values move live.
 */
export function LiveValues({ twin, testIds = true }: { twin: TwinDetail; testIds?: boolean }) {
  const values = Object.entries(twin.reported).sort(([a], [b]) => (a < b ? -1 : 1));
  if (values.length === 0) return <p>No readings yet.</p>;
  return (
    <table class="values">
      <thead>
        <tr>
          <th scope="col">Property</th>
          <th scope="col">Value</th>
          <th scope="col">Against its limits</th>
          <th scope="col">Band</th>
          <th scope="col">At</th>
        </tr>
      </thead>
      <tbody>
        {values.map(([property, reported]) => {
          const limits = Object.hasOwn(twin.limits, property) ? twin.limits[property] : undefined;
          const band = Object.hasOwn(twin.health.properties, property)
            ? twin.health.properties[property]
            : undefined;
          return (
            <tr key={property}>
              <th scope="row">{property}</th>
              <td class="num" data-testid={testIds ? `live-value-${property}` : undefined}>
                {quantity(reported.value, reported.unit, limits)}
              </td>
              {limits ? (
                <>
                  <td>
                    <LimitsBar
                      label={property}
                      value={reported.value}
                      unit={reported.unit}
                      limits={limits}
                    />
                  </td>
                  <td>{band ? <StatusBadge status={band} /> : '—'}</td>
                </>
              ) : (
                <td
                  colSpan={2}
                  class="hint"
                  data-testid={testIds ? `no-limits-${property}` : undefined}
                >
                  {NO_LIMITS}
                </td>
              )}
              <td>
                <time dateTime={reported.occurredAt}>
                  {new Date(reported.occurredAt).toLocaleString()}
                </time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
