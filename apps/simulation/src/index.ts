// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { simulationService, startSimulation, type RunningSimulation } from './simulation.app';
export { readSimulationConfig, type SimulationConfig } from './config/simulation.config';
// The worker pool, for the simulation benchmark (its overhead per run).
export { SimulationPool } from './pool/simulation-pool';
// Its HTTP controllers, for the gateway's OpenAPI document (ADR 0016).
export { SIMULATION_HTTP_API } from './http-api';
