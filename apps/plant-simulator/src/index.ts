// The plant simulator in-process: what the embedded all-in-one app and end-to-end tests use.
export { startPlantSimulator, type RunningSimulator } from './run/plant-simulator';
export { DEFAULTS as SIMULATOR_DEFAULTS, type SimulatorOptions } from './run/simulator-options';
export type { SimulatorStats } from './run/stats';
export { progressLine, summaryLine } from './run/progress-line';
