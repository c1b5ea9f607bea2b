import { cpuSecondsFromStat, cpuSecondsOf, memoryOf, residentFromStatus } from './proc-figures';

describe('/proc figures', () => {
  it('reads resident memory by kind from a status file', () => {
    const status = [
      'Name:\tnode',
      'VmHWM:\t  563200 kB',
      'VmRSS:\t  512000 kB',
      'RssAnon:\t  448512 kB',
      'RssFile:\t   62464 kB',
      'RssShmem:\t    1024 kB',
    ].join('\n');
    expect(residentFromStatus(status)).toEqual({
      rssMb: 500,
      peakMb: 550,
      anonymousMb: 438,
      filesMb: 62,
    });
  });

  it('reads user plus system time from a stat line whose command name holds spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 11';
    expect(cpuSecondsFromStat(stat)).toBeCloseTo(18.01, 5);
  });

  it('reads this very process', () => {
    const self = memoryOf(process.pid);
    expect(self.rssMb).toBeGreaterThan(10);
    expect(self.peakMb).toBeGreaterThanOrEqual(self.rssMb);
    expect(self.anonymousMb + self.filesMb).toBeCloseTo(self.rssMb, 0);
    expect(cpuSecondsOf(process.pid)).toBeGreaterThan(0);
  });
});
