import { TwinlogError, type TwinModel } from '@twinlog/domain';

/** Runs a settings check; its message becomes MODEL_INVALID naming the model and the key's path. */
export function checkForModel(model: TwinModel, path: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new TwinlogError(
      'MODEL_INVALID',
      `model ${model.type} v${model.version}: ${path}${(error as Error).message}`,
    );
  }
}
