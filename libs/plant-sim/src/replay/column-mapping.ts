import { PlantSimError } from '../errors';

/** A CSV value column fed to a twin's property. */
export interface ColumnMapping {
  column: string;
  twinId: string;
  property: string;
  /** The column's unit; ingestion converts it, and without one it means the model's unit. */
  unit?: string;
}

/**
 * `Column=property`, `Column=twinId/property` or either with `@unit`, e.g.
 * `Accelerometer1RMS=vibration`, `Volume Flow RateRMS=skab-pump/flow_rate@L/min`. Twin ids
 * cannot hold `/` and properties cannot hold `@`, so the parts are never ambiguous.
 */
export function parseColumnMapping(spec: string, defaultTwin?: string): ColumnMapping {
  const eq = spec.lastIndexOf('=');
  const column = spec.slice(0, eq).trim();
  const target = spec.slice(eq + 1).trim();
  if (eq <= 0 || column === '' || target === '') {
    throw new PlantSimError(
      'MAPPING_INVALID',
      `Mapping "${spec}" is not Column=property, Column=twinId/property or either with @unit`,
    );
  }
  const at = target.indexOf('@');
  const unit = at >= 0 ? target.slice(at + 1).trim() : undefined;
  const path = at >= 0 ? target.slice(0, at) : target;
  const slash = path.indexOf('/');
  const twinId = slash >= 0 ? path.slice(0, slash).trim() : defaultTwin;
  const property = (slash >= 0 ? path.slice(slash + 1) : path).trim();
  if (!twinId) {
    throw new PlantSimError(
      'MAPPING_INVALID',
      `Mapping "${spec}" names no twin: write Column=twinId/property or pass --twin`,
    );
  }
  if (!/^[a-z][a-z0-9_]*$/.test(property)) {
    throw new PlantSimError(
      'MAPPING_INVALID',
      `Mapping "${spec}": "${property}" is not a property name (lower_snake_case)`,
    );
  }
  if (unit === '') {
    throw new PlantSimError('MAPPING_INVALID', `Mapping "${spec}" has an empty unit after @`);
  }
  return { column, twinId, property, ...(unit ? { unit } : {}) };
}
