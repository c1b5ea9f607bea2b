import { TwinlogError } from '../errors';
import { bounded } from '../bounded-echo';
import type { DecideContext } from './decide-context';
import type { DecidedEvent } from './decided-event';
import { recordMaintenance } from './decide-maintenance';
import { changeLimits } from './decide-limits';
import { attachChild, register } from './decide-registration';
import { assertChildrenFit, assertNoActiveChildren } from './hierarchy-rules';
import { modelLimits } from './model-limits';
import type { TwinCommand } from './twin-commands';
import type { TwinState } from './twin-state';

/**
 * The twin aggregate's decisions: a command and the current state become new events, or a
 * TwinlogError with a stable code. An empty array means "nothing to do" (idempotent repeat).
 */
export function decideTwin(
  command: TwinCommand,
  state: TwinState,
  ctx: DecideContext,
): DecidedEvent[] {
  switch (command.type) {
    case 'RegisterTwin':
      return register(command, state, ctx);
    case 'AttachChild':
      return attachChild(command, active(state), ctx);
    case 'ChangeModelVersion': {
      const twin = active(state);
      if (command.version === twin.modelVersion) return [];
      const model = ctx.catalog.get(twin.twinType, command.version);
      assertChildrenFit(twin, model, ctx);
      return [
        {
          type: 'ModelVersionChanged',
          data: { from: twin.modelVersion, to: model.version, limits: modelLimits(model) },
          occurredAt: ctx.now,
        },
      ];
    }
    case 'ChangeLimits':
      return changeLimits(command, active(state), ctx);
    case 'RecordMaintenance':
      return recordMaintenance(command, active(state), ctx);
    case 'RetireTwin':
      if (state.status === 'retired') return [];
      assertNoActiveChildren(active(state), ctx);
      return [{ type: 'TwinRetired', data: { reason: command.reason }, occurredAt: ctx.now }];
    default: {
      const unknown: never = command;
      throw new TwinlogError('EVENT_INVALID', `Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** The twin, if it is active: commands other than RegisterTwin need one. */
function active(state: TwinState): TwinState {
  if (state.status === 'unregistered')
    throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(state.twinId)} is not registered`, {
      twinId: state.twinId,
    });
  if (state.status === 'retired')
    throw new TwinlogError(
      'TWIN_RETIRED',
      `Twin ${bounded(state.twinId)} was retired on ${state.retiredAt}`,
      { twinId: state.twinId },
    );
  return state;
}
