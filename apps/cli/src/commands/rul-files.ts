import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  isRulError,
  parseCmapss,
  validateRulModel,
  type RulModel,
  type UnitHistory,
} from '@twinlog/analytics';

/** A C-MAPSS file (plain or .gz); a malformed line is reported with the file's name. */
export function readCmapssFile(path: string): UnitHistory[] {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  try {
    return parseCmapss(text);
  } catch (error) {
    if (isRulError(error)) throw new Error(`${basename(path)}: ${error.message}`);
    throw error;
  }
}

export function readModelFile(path: string): RulModel {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new Error(`${basename(path)} is not JSON: ${error.message}`);
    throw error;
  }
  try {
    return validateRulModel(json);
  } catch (error) {
    if (isRulError(error)) throw new Error(`${basename(path)}: ${error.message}`);
    throw error;
  }
}

export function writeModelFile(path: string, model: RulModel): void {
  writeFileSync(path, `${JSON.stringify(model)}\n`);
}
