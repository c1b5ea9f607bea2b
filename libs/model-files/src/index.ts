export { loadModelCatalog, SEED_MODELS_DIR } from './load-model-catalog';
