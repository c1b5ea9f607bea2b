/**
 * Errors of the plant simulator's input (options, fault specs, CSV files, column mappings):
 * a stable code and a message a person can act on. The tool maps every one to exit code 2.
 */
export const PLANT_SIM_ERROR_CODES = [
  'OPTIONS_INVALID',
  'FAULT_INVALID',
  'CSV_INVALID',
  'CSV_TIME_INVALID',
  'CSV_VALUE_INVALID',
  'MAPPING_INVALID',
] as const;
export type PlantSimErrorCode = (typeof PLANT_SIM_ERROR_CODES)[number];

export class PlantSimError extends Error {
  constructor(
    readonly code: PlantSimErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PlantSimError';
  }
}

export function isPlantSimError(error: unknown): error is PlantSimError {
  return error instanceof PlantSimError;
}
