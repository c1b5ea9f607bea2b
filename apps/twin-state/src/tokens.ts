/** Nest injection token of the twin-state service's settings (its ports are service-kit's). */
export const TWIN_STATE_CONFIG = Symbol('TwinStateConfig');
