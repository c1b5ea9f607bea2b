import { TwinlogError } from '../errors';
import { modelInvalid, type ModelProblem } from './model-problems';
import type { TwinModel } from './twin-model.schema';

export interface SourcedModel {
  model: TwinModel;
  source: string;
}

/**
 * Every twin type Twinlog knows, in all its versions. Built once from validated documents,
 * then cross-checked: each allowed child type must itself be declared.
 */
export class ModelCatalog {
  private constructor(private readonly byType: Map<string, Map<number, TwinModel>>) {}

  static of(models: SourcedModel[]): ModelCatalog {
    const catalog = new ModelCatalog(new Map());
    const problems: ModelProblem[] = [];
    const sourceOf = new Map<string, string>();
    for (const { model, source } of models) {
      const key = `${model.type}@${model.version}`;
      if (sourceOf.has(key)) {
        problems.push({
          source,
          path: 'version',
          message: `${key} is already declared in ${sourceOf.get(key)}`,
        });
        continue;
      }
      sourceOf.set(key, source);
      const versions = catalog.byType.get(model.type) ?? new Map<number, TwinModel>();
      versions.set(model.version, model);
      catalog.byType.set(model.type, versions);
    }
    for (const { model, source } of models) {
      model.children.forEach((rule, i) => {
        if (!catalog.byType.has(rule.type)) {
          problems.push({
            source,
            path: `children.${i}.type`,
            message: `unknown twin type "${rule.type}"`,
          });
        }
      });
    }
    if (problems.length > 0) throw modelInvalid(problems);
    return catalog;
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  /** The given version, or the newest when none is given. */
  get(type: string, version?: number): TwinModel {
    const versions = this.byType.get(type);
    const chosen =
      versions &&
      (version === undefined ? versions.get(Math.max(...versions.keys())) : versions.get(version));
    if (!chosen) {
      const known = versions ? ` (known versions: ${[...versions.keys()].join(', ')})` : '';
      throw new TwinlogError(
        'MODEL_UNKNOWN',
        `No twin model ${type}${version === undefined ? '' : `@${version}`}${known}`,
        { type, version },
      );
    }
    return chosen;
  }

  has(type: string, version?: number): boolean {
    const versions = this.byType.get(type);
    return versions !== undefined && (version === undefined || versions.has(version));
  }
}
