import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ModelCatalog, parseTwinModel, TwinlogError, type SourcedModel } from '@twinlog/domain';

const MODEL_FILE = /\.(ya?ml|json)$/;

/** Where the seed plant's twin models live (a production line of CNC machines and their parts). */
export const SEED_MODELS_DIR = join(__dirname, '..', '..', 'domain', 'models');

/**
 * Reads every twin model document (*.yaml, *.yml, *.json) in a directory, recursively, and
 * builds the catalog. All problems of all files are reported together, each naming its file.
 */
export function loadModelCatalog(dir: string): ModelCatalog {
  const files = listModelFiles(dir);
  if (files.length === 0) {
    throw new TwinlogError(
      'MODEL_INVALID',
      `No twin model files (*.yaml, *.yml, *.json) in ${dir}`,
      { dir },
    );
  }
  const models: SourcedModel[] = [];
  const problems: unknown[] = [];
  for (const file of files) {
    const source = relative(process.cwd(), file) || file;
    try {
      models.push({ model: parseTwinModel(readFileSync(file, 'utf8'), source), source });
    } catch (error) {
      if (!(error instanceof TwinlogError)) throw error;
      problems.push(...((error.details['problems'] as unknown[]) ?? [error.message]));
    }
  }
  if (problems.length > 0) {
    const lines = problems.map((p) =>
      typeof p === 'string'
        ? p
        : `${(p as { source: string }).source}: ${(p as { path: string }).path || '(document)'}: ${(p as { message: string }).message}`,
    );
    throw new TwinlogError('MODEL_INVALID', `Invalid twin models:\n  ${lines.join('\n  ')}`, {
      problems,
    });
  }
  return ModelCatalog.of(models);
}

function listModelFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listModelFiles(path);
      return MODEL_FILE.test(entry.name) ? [path] : [];
    })
    .sort();
}
