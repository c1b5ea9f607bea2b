/**
 * The alerting core's decisions (docs/adr/0019): pure functions of the projection, the twin
 * directory, the time and the settings. Each returns the events to append, transitions first
 * then the notifications they plan; refusals throw TwinlogError.
 */
export * from './alert-decision-types';
export { deliveryIdOf } from './alert-ids';
export { decideOnTwinEvent, decideSilences } from './cause-decisions';
export { decideDue } from './due-decisions';
export { decideCommand } from './command-decisions';
export { decideDeliveryOutcome } from './delivery-outcome';
