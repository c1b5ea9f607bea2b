import type { MaintenanceKind } from '../events/twin-events';
import type { Limits } from '../model/twin-model.schema';

/** A reading as TelemetryReported records it: normalised and checked (normalizeReading). */
export interface ReadingInput {
  readingId: string;
  property: string;
  value: number;
  unit: string;
  occurredAt: string;
}

export type TwinCommand =
  | {
      type: 'RegisterTwin';
      twinType: string;
      modelVersion?: number;
      parentId?: string;
      site?: string;
      name?: string;
      /**
       * When the physical thing came into service; readings before it are implausible. Defaults
       * to now. A number is refused as not a time (TIMESTAMP_IMPLAUSIBLE).
       */
      commissionedAt?: string | number;
    }
  /** `attachedAt`: when the child joined in plant time (default: now). */
  | { type: 'AttachChild'; childId: string; childType: string; attachedAt?: string }
  | { type: 'ChangeModelVersion'; version: number }
  | { type: 'ChangeLimits'; property: string; limits: Limits }
  | {
      type: 'RecordMaintenance';
      kind: MaintenanceKind;
      /** A number is refused as not a time (TIMESTAMP_IMPLAUSIBLE), like any other wrong form. */
      performedAt: string | number;
      resets?: string[];
      componentId?: string;
      notes?: string;
    }
  | { type: 'RetireTwin'; reason: string };

export type TwinCommandType = TwinCommand['type'];
