// Fixtures for tests of code built on the event log.
export {
  alertAcknowledged,
  alertOpened,
  eventually,
  newEvent,
  registered,
  retired,
  telemetry,
} from './sample-events';
export { accessKey } from './sample-access-keys';
export { describeEventLogContract } from './event-log.contract';
