// What the all-in-one process composes: the service's definition (and start function) and its configuration.
export { twinStateService, startTwinState, type RunningTwinState } from './twin-state.app';
export { readTwinStateConfig, type TwinStateConfig } from './config/twin-state.config';
// Its HTTP controllers, for the gateway's OpenAPI document (ADR 0016).
export { TWIN_STATE_HTTP_API } from './http-api';
