/** The most twins one POST /v1/twins/states asks for (and one replica asks another for). */
export const MAX_STATES = 1_000;
