import type { TwinModel } from '@twinlog/domain';

/** The CNC machine's physical parameters: the model file's `physics` block. */
export interface MachinePhysics {
  ambientC: number;
  /** Steady-state temperature rise per kW of power with full cooling. */
  heatPerKwC: number;
  coolingCapacity: number;
  /** Taylor's tool-life exponent n (v·T^n = C): tool life falls with speed to the power 1/n. */
  taylorN: number;
  nominalSpeedRpm: number;
  idlePowerKw: number;
  /** First-order time constant of the housing temperature. */
  thermalTimeConstantS: number;
}

/** As in libs/domain/models/cnc-milling-machine.yaml. */
export const SEED_MACHINE_PHYSICS: MachinePhysics = {
  ambientC: 22,
  heatPerKwC: 2.5,
  coolingCapacity: 1,
  taylorN: 0.25,
  nominalSpeedRpm: 8000,
  idlePowerKw: 1.5,
  thermalTimeConstantS: 900,
};

/** Reads the parameters from a cnc-milling-machine model; a key it lacks keeps the seed value. */
export function machinePhysicsFromModel(model: TwinModel): MachinePhysics {
  const p = model.physics ?? {};
  const seed = SEED_MACHINE_PHYSICS;
  return {
    ambientC: p['ambient_temperature_c'] ?? seed.ambientC,
    heatPerKwC: p['heat_per_kw_c'] ?? seed.heatPerKwC,
    coolingCapacity: p['cooling_capacity'] ?? seed.coolingCapacity,
    taylorN: p['taylor_n'] ?? seed.taylorN,
    nominalSpeedRpm: p['nominal_speed_rpm'] ?? seed.nominalSpeedRpm,
    idlePowerKw: p['idle_power_kw'] ?? seed.idlePowerKw,
    thermalTimeConstantS:
      model.properties['temperature']?.physics?.['time_constant_s'] ?? seed.thermalTimeConstantS,
  };
}
