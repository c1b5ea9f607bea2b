// What the all-in-one process composes: the service's start function and its configuration.
export { startTwinState, type RunningTwinState } from './twin-state.app';
export { readTwinStateConfig, type TwinStateConfig } from './config/twin-state.config';
