import type { SeededRandom } from '../random/seeded-random';
import type { MachinePhysics } from './machine-physics';

/** The process advances in fixed steps, whatever the sampling: sampling never changes the plant. */
export const STEP_S = 1;

const CUT_POWER_KW = 10; // at full load and nominal speed, with a new tool
const REFERENCE_LOAD = 0.7; // the load the tool life is quoted for
const TOOL_LIFE_S = 3600; // cutting seconds to wear 1 at nominal speed and reference load
const MOTOR_TIME_CONSTANT_S = 600; // the spindle motor is smaller than the housing
const MOTOR_HEAT_FACTOR = 1.15; // motor windings run a little hotter than the housing
const NOMINAL_FLOW_LPM = 20;
const NOMINAL_PRESSURE_BAR = 5.2;
const SUPPLY_V = 400;
const POWER_FACTOR = 0.85;
const BREAK_SPIKE_S = 5; // a breaking tool shakes the spindle for a few seconds
const SCRAP_RATE = 0.02; // parts failing inspection for reasons the sensors do not see
const CHATTER_SCRAP_WEAR = 0.8; // past this wear the surface finish is out of tolerance
const WAIT_RECHECK_S = 10; // a waiting machine looks for work this often

export type Phase = 'idle' | 'cutting' | 'down';

/** What the machine's faults do at a moment (1 and false when healthy). */
export interface MachineEffects {
  /** Remaining coolant pump capacity, 0-1. */
  coolingHealth: number;
  wearRateFactor: number;
  /** Tool changes are missed (the tool runs to failure). */
  toolChangesHeld: boolean;
  /** Downtime after a tool breaks. */
  repairS: number;
  /** A planned stop (a break, no orders): no new part is started, the machine waits idle. */
  waiting?: boolean;
}

export const HEALTHY: MachineEffects = {
  coolingHealth: 1,
  wearRateFactor: 1,
  toolChangesHeld: false,
  repairS: 300,
};

export type ProcessEvent =
  | { kind: 'part-done'; atS: number; scrap: boolean }
  | { kind: 'tool-changed'; atS: number; wornTo: number; afterBreak: boolean }
  | { kind: 'tool-broke'; atS: number; wear: number };

/** The physical truth at a moment, before any sensor looks at it. */
export interface MachineTruth {
  phase: Phase;
  speedRpm: number;
  powerKw: number;
  housingC: number;
  motorC: number;
  wear: number;
  vibration: number;
  motorVibration: number;
  currentA: number;
  flowLpm: number;
  pressureBar: number;
  /** The machine's parts counter (good and scrap) and its scrap counter, since the simulation began. */
  partsMade: number;
  partsScrapped: number;
}

/**
 * One CNC machine's process: parts milled one after another with idle gaps (load cycles), a
 * first-order thermal lag towards a level set by power and cooling, tool wear that grows with
 * load and speed (Taylor) and resets when the tool is changed, vibration growing with speed and
 * wear, power from speed and load. Deterministic from its random stream.
 */
export class MachineProcess {
  private phase: Phase = 'idle';
  private phaseEndsS: number;
  private speedRpm = 0;
  private loadBase = 0;
  private loadPeriodS = 30;
  private loadPhase = 0;
  private housingC: number;
  private motorC: number;
  private wear: number;
  private changeAtWear: number;
  private brokeAtS = Number.NEGATIVE_INFINITY;
  private effects: MachineEffects = HEALTHY;
  private readonly housingAlpha: number;
  private readonly motorAlpha: number;
  private partsMade = 0;
  private partsScrapped = 0;
  /** Wear reached while cutting the current part (chatter spoils its finish). */
  private partWear = 0;

  /** `quality` draws inspection outcomes apart from `random`, so the process is as before. */
  constructor(
    private readonly physics: MachinePhysics,
    private readonly random: SeededRandom,
    startS: number,
    private readonly quality?: SeededRandom,
  ) {
    this.housingAlpha = 1 - Math.exp(-STEP_S / physics.thermalTimeConstantS);
    this.motorAlpha = 1 - Math.exp(-STEP_S / MOTOR_TIME_CONSTANT_S);
    // Warm, with a part-worn tool, somewhere in an idle gap: the pre-roll settles the rest.
    const averagePower = physics.idlePowerKw + CUT_POWER_KW * 0.5;
    this.housingC =
      physics.ambientC + (physics.heatPerKwC * averagePower) / physics.coolingCapacity;
    this.motorC = this.housingC;
    this.wear = random.uniform(0.05, 0.4);
    this.changeAtWear = random.uniform(0.5, 0.58);
    this.phaseEndsS = startS + random.uniform(0, 60);
  }

  /** Advances from `t` to `t + STEP_S` under the given fault effects. */
  step(t: number, effects: MachineEffects, events: ProcessEvent[]): void {
    this.effects = effects;
    if (t >= this.phaseEndsS) this.transition(t, events);
    const load = this.load(t);
    if (this.phase === 'cutting') {
      this.wear += this.wearRate(load) * STEP_S;
      this.partWear = Math.max(this.partWear, this.wear);
      if (this.wear >= 1) {
        events.push({ kind: 'tool-broke', atS: t, wear: this.wear });
        // The part under a breaking tool is scrap.
        this.countPart(true);
        this.phase = 'down';
        this.brokeAtS = t;
        this.phaseEndsS = t + effects.repairS;
      }
    }
    const power = this.power(load);
    const cooling = this.physics.coolingCapacity * Math.pow(effects.coolingHealth, 0.8);
    const motorCooling = this.physics.coolingCapacity * Math.pow(effects.coolingHealth, 0.5);
    const { ambientC, heatPerKwC } = this.physics;
    this.housingC +=
      (ambientC + (heatPerKwC * power) / cooling - this.housingC) * this.housingAlpha;
    this.motorC +=
      (ambientC + (MOTOR_HEAT_FACTOR * heatPerKwC * power) / motorCooling - this.motorC) *
      this.motorAlpha;
  }

  truth(t: number): MachineTruth {
    const load = this.load(t);
    const power = this.power(load);
    const cutting = this.phase === 'cutting';
    const r = this.speedRpm / this.physics.nominalSpeedRpm;
    const chatter = 60 * Math.max(0, this.wear - 0.8) ** 2;
    const toolVibration = cutting
      ? 0.7 * r * r * (0.4 + load) * (1 + 2 * this.wear * this.wear) + chatter
      : 0;
    const breaking = this.phase === 'down' && t - this.brokeAtS < BREAK_SPIKE_S;
    const health = this.effects.coolingHealth;
    return {
      phase: this.phase,
      speedRpm: cutting ? this.speedRpm : 0,
      powerKw: power,
      housingC: this.housingC,
      motorC: this.motorC,
      wear: this.wear,
      vibration: breaking ? 9 : 0.25 + toolVibration,
      motorVibration: breaking ? 6 : 0.2 + (cutting ? 0.45 * r * r : 0) + 0.3 * toolVibration,
      currentA: (power * 1000) / (Math.sqrt(3) * SUPPLY_V * POWER_FACTOR),
      flowLpm: NOMINAL_FLOW_LPM * health,
      pressureBar: NOMINAL_PRESSURE_BAR * Math.pow(health, 1.5),
      partsMade: this.partsMade,
      partsScrapped: this.partsScrapped,
    };
  }

  private transition(t: number, events: ProcessEvent[]): void {
    switch (this.phase) {
      case 'cutting': {
        const scrap =
          this.partWear > CHATTER_SCRAP_WEAR || (this.quality?.uniform(0, 1) ?? 1) < SCRAP_RATE;
        this.countPart(scrap);
        events.push({ kind: 'part-done', atS: t, scrap });
        this.phase = 'idle';
        this.phaseEndsS = t + this.random.uniform(20, 90);
        return;
      }
      case 'down':
        this.newTool(t, events, true);
        this.phaseEndsS = t + this.random.uniform(30, 60);
        this.phase = 'idle';
        return;
      case 'idle':
        // Waiting draws nothing from the random stream, so the plant after the stop is as drawn.
        if (this.effects.waiting) this.phaseEndsS = t + WAIT_RECHECK_S;
        else this.startPart(t, events);
        return;
      default: {
        const unknown: never = this.phase;
        throw new Error(`unknown phase ${String(unknown)}`);
      }
    }
  }

  /** Draws the next part; changes the tool first when the part would take it past its limit. */
  private startPart(t: number, events: ProcessEvent[]): void {
    const speedRpm =
      Math.round((this.physics.nominalSpeedRpm * this.random.uniform(0.85, 1.15)) / 50) * 50;
    const loadBase = this.random.uniform(0.5, 0.85);
    const durationS = this.random.uniform(120, 300);
    const loadPeriodS = this.random.uniform(20, 60);
    const loadPhase = this.random.uniform(0, 2 * Math.PI);
    this.speedRpm = speedRpm;
    const expectedWear = this.wearRate(loadBase) * durationS;
    if (!this.effects.toolChangesHeld && this.wear + expectedWear > this.changeAtWear) {
      this.newTool(t, events, false);
      this.phaseEndsS = t + this.random.uniform(60, 120);
      return;
    }
    this.loadBase = loadBase;
    this.loadPeriodS = loadPeriodS;
    this.loadPhase = loadPhase;
    this.phase = 'cutting';
    this.phaseEndsS = t + durationS;
    this.partWear = this.wear;
  }

  private countPart(scrap: boolean): void {
    this.partsMade += 1;
    if (scrap) this.partsScrapped += 1;
  }

  private newTool(t: number, events: ProcessEvent[], afterBreak: boolean): void {
    events.push({ kind: 'tool-changed', atS: t, wornTo: this.wear, afterBreak });
    this.wear = this.random.uniform(0, 0.02);
    this.changeAtWear = this.random.uniform(0.5, 0.58);
  }

  /** Engagement varies along the tool path: a slow swing around the part's base load. */
  private load(t: number): number {
    if (this.phase !== 'cutting') return 0;
    return (
      this.loadBase * (1 + 0.12 * Math.sin((2 * Math.PI * t) / this.loadPeriodS + this.loadPhase))
    );
  }

  /** Taylor: life falls with speed^(1/n); wear grows with load and speeds up near the end. */
  private wearRate(load: number): number {
    const r = this.speedRpm / this.physics.nominalSpeedRpm;
    const accelerating = 1 + 2 * Math.max(0, this.wear - 0.6);
    return (
      ((load / REFERENCE_LOAD) *
        Math.pow(r, 1 / this.physics.taylorN) *
        accelerating *
        this.effects.wearRateFactor) /
      TOOL_LIFE_S
    );
  }

  private power(load: number): number {
    const r = this.speedRpm / this.physics.nominalSpeedRpm;
    return this.physics.idlePowerKw + CUT_POWER_KW * load * r * (1 + 0.3 * this.wear);
  }
}
