// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { twinStateService, startTwinState, type RunningTwinState } from './twin-state.app';
export { readTwinStateConfig, type TwinStateConfig } from './config/twin-state.config';
