import type { ParameterSpec } from '../../model/physics-model';

/**
 * The CNC milling machine's parameters, in the order of the model's variable vector (after its
 * one input, spindle_speed). Defaults live in libs/domain/models/cnc-milling-machine.yaml.
 */
export const CNC_PARAMETERS = [
  {
    name: 'time_constant_s',
    property: 'temperature',
    unit: 's',
    positive: true,
    description: 'thermal time constant of the spindle housing at nominal cooling',
  },
  {
    name: 'ambient_temperature_c',
    unit: '°C',
    min: -50,
    max: 100,
    description: 'temperature the cooling removes heat towards',
  },
  {
    name: 'heat_per_kw_c',
    unit: '°C/kW',
    min: 0,
    description: 'steady-state temperature rise per kW drawn, at nominal cooling',
  },
  {
    name: 'cooling_capacity',
    unit: '1',
    min: 0,
    reference: true,
    description: 'heat removal relative to nominal (1 = working cooling, 0 = none)',
  },
  {
    name: 'nominal_speed_rpm',
    unit: 'rpm',
    positive: true,
    reference: true,
    description: 'spindle speed the other coefficients are quoted at',
  },
  {
    name: 'idle_power_kw',
    unit: 'kW',
    min: 0,
    description: 'power drawn with the spindle turning free',
  },
  {
    name: 'cutting_power_kw',
    unit: 'kW',
    min: 0,
    description: 'power above idle at full cutting load and nominal speed',
  },
  {
    name: 'spindle_load',
    unit: '1',
    min: 0,
    derived: true,
    description: 'cutting load as a fraction of full load, from the start power and speed',
  },
  {
    name: 'taylor_n',
    unit: '1',
    positive: true,
    max: 1,
    description: "Taylor's tool-life exponent n (v·T^n = C): life falls with speed^(1/n)",
  },
  {
    name: 'tool_life_h',
    property: 'tool_wear',
    unit: 'h',
    positive: true,
    description:
      'cutting hours from a new tool to the wear criterion at reference load and nominal speed',
  },
  {
    name: 'wear_reference_load',
    property: 'tool_wear',
    unit: '1',
    positive: true,
    reference: true,
    description: 'the load tool_life_h is quoted at',
  },
  {
    name: 'wear_load_exponent',
    property: 'tool_wear',
    unit: '1',
    min: 0,
    description: 'how steeply wear grows with load: rate ∝ (load / reference)^exponent',
  },
  {
    name: 'vibration_floor_mm_s',
    property: 'vibration',
    unit: 'mm/s',
    min: 0,
    description: 'vibration with the spindle at rest (the machine and its surroundings)',
  },
  {
    name: 'vibration_base_mm_s',
    property: 'vibration',
    unit: 'mm/s',
    min: 0,
    description: 'vibration of a new tool at nominal speed, above the floor',
  },
  {
    name: 'vibration_wear_gain_mm_s',
    property: 'vibration',
    unit: 'mm/s',
    min: 0,
    description: 'vibration a worn-out tool adds at nominal speed',
  },
  {
    // The shape of the law rather than a measured constant: kept exact in Monte Carlo.
    name: 'vibration_wear_exponent',
    property: 'vibration',
    unit: '1',
    positive: true,
    reference: true,
    description: 'how vibration grows with wear: gain · wear^exponent',
  },
] as const satisfies readonly ParameterSpec[];

export type CncParameter = (typeof CNC_PARAMETERS)[number]['name'];

export function cncSpec(name: CncParameter): ParameterSpec {
  return CNC_PARAMETERS.find((p) => p.name === name)!;
}

/** Below this share of nominal speed the spindle counts as at rest (no cut, no load to infer). */
export const REST_RATIO = 0.05;
