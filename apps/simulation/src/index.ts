// What the all-in-one process composes: the service's start function and its configuration.
export { startSimulation, type RunningSimulation } from './simulation.app';
export { readSimulationConfig, type SimulationConfig } from './config/simulation.config';
