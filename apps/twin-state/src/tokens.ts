/** Nest injection tokens of the twin-state service. */
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const TWIN_STATE_CONFIG = Symbol('TwinStateConfig');
/** The live feed: every event after the start-up replay, for the in-memory state. */
export const LIVE_FEED = Symbol('twin-state live feed');
