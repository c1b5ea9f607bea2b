import { ensureChromium, type ChromiumMachine } from './ensure-chromium';

/** A machine whose apt-get answers as scripted; installing puts chromium in place. */
function machine(options: {
  chromium?: boolean;
  apt?: boolean;
  isRoot?: boolean;
  sudo?: boolean;
  /** Outcomes of successive `install` attempts (true installs chromium). */
  installs?: boolean[];
  update?: boolean;
}): ChromiumMachine & { commands: string[] } {
  let installed = options.chromium ?? false;
  const installs = [...(options.installs ?? [true])];
  const commands: string[] = [];
  return {
    commands,
    isRoot: options.isRoot ?? true,
    exists: (path) =>
      path === '/usr/bin/chromium'
        ? installed
        : path === '/usr/bin/apt-get' && (options.apt ?? true),
    run: (command, args) => {
      const line = [command, ...args].join(' ');
      commands.push(line);
      if (command === 'sudo' && args.join(' ') === '-n true')
        return { ok: options.sudo ?? false, output: '' };
      if (line.includes(' install ')) {
        const ok = installs.shift() ?? false;
        installed ||= ok;
        return { ok, output: ok ? '' : 'E: Unable to locate package chromium' };
      }
      if (line.includes(' update'))
        return { ok: options.update ?? true, output: 'E: update failed' };
      if (args[0] === '--version') return { ok: true, output: 'Chromium 156.0.8078.114' };
      return { ok: false, output: `unexpected ${line}` };
    },
  };
}

const quiet = { progress: () => undefined };

describe('ensureChromium: the browser tests install Debian chromium where it is missing', () => {
  it('does nothing when chromium is there', () => {
    const m = machine({ chromium: true });
    expect(ensureChromium({ machine: m, ...quiet })).toBe('/usr/bin/chromium');
    expect(m.commands).toEqual([]);
  });

  it('installs it with apt-get, no recommends, without refreshing lists it does not need', () => {
    const m = machine({});
    const lines: string[] = [];
    ensureChromium({ machine: m, progress: (l) => lines.push(l) });
    expect(m.commands[0]).toMatch(/^apt-get .*install -y -q --no-install-recommends chromium$/);
    expect(m.commands.some((c) => c.includes(' update'))).toBe(false);
    expect(lines[0]).toContain("/usr/bin/chromium is missing: installing Debian's chromium");
    expect(lines.at(-1)).toBe('installed Chromium 156.0.8078.114 at /usr/bin/chromium');
  });

  it('refreshes the package lists only after a failed install, then tries again', () => {
    const m = machine({ installs: [false, true] });
    ensureChromium({ machine: m, ...quiet });
    expect(
      m.commands.map((c) =>
        c.includes(' update') ? 'update' : c.includes(' install ') ? 'install' : c,
      ),
    ).toEqual(['install', 'update', 'install', '/usr/bin/chromium --version']);
  });

  it('not root: goes through passwordless sudo, keeping the non-interactive frontend', () => {
    const m = machine({ isRoot: false, sudo: true });
    ensureChromium({ machine: m, ...quiet });
    expect(m.commands[1]).toMatch(/^sudo -n env DEBIAN_FRONTEND=noninteractive apt-get .*install/);
  });

  it('says so when apt-get succeeds but chromium is elsewhere', () => {
    expect(() => ensureChromium({ path: '/opt/chromium', machine: machine({}), ...quiet })).toThrow(
      /could not install it: apt-get installed chromium, but not at \/opt\/chromium\n/,
    );
  });

  it.each([
    [
      'apt-get keeps failing',
      machine({ installs: [false, false] }),
      'apt-get failed:\n    E: Unable to locate package chromium',
      '  apt-get update && DEBIAN_FRONTEND',
    ],
    [
      'the lists cannot be refreshed',
      machine({ installs: [false], update: false }),
      'E: update failed',
      '  apt-get update',
    ],
    [
      'there is no apt-get',
      machine({ apt: false }),
      'this machine has no apt-get',
      '  apt-get update',
    ],
    [
      'sudo asks a password',
      machine({ isRoot: false, sudo: false }),
      'sudo asks for a password',
      '  sudo apt-get update && sudo DEBIAN_FRONTEND',
    ],
  ])('fails loudly, with the command to run by hand, when %s', (_, m, why, command) => {
    expect(() => ensureChromium({ machine: m, ...quiet })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          new RegExp(
            `missing[\\s\\S]*${escape(why)}[\\s\\S]*Install it by hand with:\\n${escape(command)}.*--no-install-recommends chromium`,
          ),
        ),
      }),
    );
    if (why.includes('password')) expect(m.commands).toEqual(['sudo -n true']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
