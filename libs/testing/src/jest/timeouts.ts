// Integration and end-to-end tests talk to real servers: consumer-group joins and broker
// round trips take seconds, not milliseconds. (testTimeout is a global jest option, so the
// per-project value is set here.)
jest.setTimeout(
  process.env['TWINLOG_TEST_TIMEOUT_MS'] ? Number(process.env['TWINLOG_TEST_TIMEOUT_MS']) : 60_000,
);
