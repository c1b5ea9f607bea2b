/** Nest injection tokens of the simulation service. */
export const INFRASTRUCTURE = Symbol('Infrastructure');
export const SIMULATION_CONFIG = Symbol('SimulationConfig');
