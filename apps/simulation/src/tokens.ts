/** Nest injection token of the simulation service's settings (its ports are service-kit's). */
export const SIMULATION_CONFIG = Symbol('SimulationConfig');
