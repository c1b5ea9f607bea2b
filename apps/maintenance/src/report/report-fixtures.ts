import { initialTwinState, type TwinState } from '@twinlog/domain';

/** A registered twin for the report's unit specs. */
export function twin(twinId: string, more: Partial<TwinState> = {}): TwinState {
  return {
    ...initialTwinState(twinId),
    status: 'active',
    twinType: 'cnc-spindle',
    level: 'component',
    site: 'plant-a',
    registeredAt: '2026-01-01T00:00:00.000Z',
    ...more,
  };
}

export function predicted(
  priority: 'low' | 'medium' | 'high' | 'critical',
  rulLowHours: number,
  eventId = `pred-${priority}-${rulLowHours}`,
): NonNullable<TwinState['maintenancePrediction']> {
  return {
    healthIndex: 61.234,
    rulHours: rulLowHours * 2,
    rulLowHours,
    rulHighHours: rulLowHours * 3,
    basis: 'tool_wear',
    model: 'linear',
    priority,
    window: { from: '2026-12-07T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z' },
    maintenanceType: 'preventive',
    action: 'replace the tool',
    downtimeHours: 0.75,
    predictedAt: '2026-12-06T10:00:00.000Z',
    eventId,
  };
}
