/** Where the adapters' warnings go when no logger is given: standard error, one line each. */
export const warnOnStderr = (message: string): void => {
  process.stderr.write(`[twinlog event log] warning: ${message}\n`);
};
