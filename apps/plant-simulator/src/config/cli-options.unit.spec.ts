import { SEED_MACHINE_PHYSICS } from '@twinlog/plant-sim';
import { parseCli, type CliInputs } from './cli-options';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const SKAB = `datetime;Accelerometer1RMS;Current;Volume Flow RateRMS
2020-03-09 10:34:33;0.027;0.87;32.0
2020-03-09 10:34:34;0.028;1.30;32.1
`;
const files: Record<string, string> = {
  'valve1/1.csv': SKAB,
  'faults.json': JSON.stringify([
    { kind: 'stuck-sensor', twinId: 'cnc-02-coolant', property: 'pressure', startS: 60 },
  ]),
  'broken.json': '[{',
};
const inputs: CliInputs = {
  nowMs: NOW,
  readText: (path) => {
    const text = files[path];
    if (text === undefined) throw new Error('ENOENT: no such file');
    return text;
  },
  physicsFrom: () => SEED_MACHINE_PHYSICS,
};
const cli = (line: string) => parseCli(line.split(' ').filter(Boolean), inputs);

describe('simulate-plant command line', () => {
  it('reads the issue’s example', () => {
    const { options } = cli(
      '--machines 3 --seed 42 --rate 200 --target http://127.0.0.1:8081 --twin-state http://127.0.0.1:8082 --duration 10m --speed 60 --register',
    );
    expect(options).toMatchObject({
      target: 'http://127.0.0.1:8081',
      twinState: 'http://127.0.0.1:8082',
      register: true,
      rate: 200,
      speed: 60,
      durationMs: 600_000,
      plant: { machines: 3, seed: 42, physics: SEED_MACHINE_PHYSICS },
    });
    expect(cli('--mqtt mqtt://127.0.0.1:1883 --start now-2h').options).toMatchObject({
      mqtt: { url: 'mqtt://127.0.0.1:1883' },
      startMs: NOW - 7_200_000,
    });
  });

  it('reads a fault file and a replay with its mappings', () => {
    expect(cli('--faults faults.json --timeline none').options.plant!.faults).toHaveLength(1);
    const { options } = cli(
      '--replay valve1/1.csv --twin skab-pump --map Accelerometer1RMS=vibration --map Current=skab-motor/current@A --twin-type spindle-motor --register',
    );
    expect(options.replay!.replay).toMatchObject({
      readings: 4,
      twins: ['skab-pump', 'skab-motor'],
    });
    expect(options.replay!.twinTypes).toEqual({ '*': 'spindle-motor' });
    expect(options.plant).toBeUndefined();
  });

  it('refuses bad flags with a stable code', () => {
    const refuses = (line: string, message: RegExp, code = 'OPTIONS_INVALID') =>
      expect(() => cli(line)).toThrow(
        expect.objectContaining({ code, message: expect.stringMatching(message) }),
      );
    refuses('--machines three', /--machines must be a whole number/);
    refuses('--speed 0', /not a number above 0/);
    refuses('--duration soon', /not a duration/);
    refuses('--timeline daily', /--timeline is one of demo, week, none/);
    refuses('--frobnicate', /Unknown option/);
    refuses('--map a=b', /need --replay/);
    refuses(
      '--replay valve1/1.csv --machines 2 --map Current=p/current',
      /do not go with --replay/,
    );
    refuses('--replay missing.csv --twin p --map a=b', /--replay missing.csv: ENOENT/);
    refuses('--faults broken.json', /not JSON/, 'FAULT_INVALID');
    refuses(
      '--replay valve1/1.csv --twin p --map Vibration=vibration',
      /no column "Vibration"/,
      'MAPPING_INVALID',
    );
  });
});

describe('simulate-plant’s MQTT login', () => {
  const withFiles = (): CliInputs => ({
    ...inputs,
    readText: (path) => (path === 'gw-password' ? 's3cret\n' : inputs.readText(path)),
  });
  const parse = (line: string) => parseCli(line.split(' '), withFiles()).options.mqtt;

  it('takes the user from a flag and the password from a file, never a flag', () => {
    expect(
      parse('--mqtt mqtt://b:1883 --mqtt-user gateway-plant-a --mqtt-password-file gw-password'),
    ).toEqual({ url: 'mqtt://b:1883', username: 'gateway-plant-a', password: 's3cret' });
    expect(() => parse('--mqtt mqtt://b:1883 --mqtt-password x')).toThrow();
    expect(() => parse('--mqtt mqtt://b:1883 --mqtt-password-file gw-password')).toThrow(
      /needs --mqtt-user/,
    );
  });
});
