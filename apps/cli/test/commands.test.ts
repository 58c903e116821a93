// The command modules: each names itself, says its usage and flags, and `spoor help` lists them all.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/main.js';
import { runSpoor } from '@spoor/testkit/spoor';
import { tempDir } from '@spoor/testkit/temp';

describe('spoor command modules', () => {
  it('export a unique name, usage lines naming it, their flags and run', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      expect(typeof c.run).toBe('function');
      expect(c.usage.split('\n')[0]).toMatch(new RegExp(`^  spoor ${c.name}\\b`));
      for (const flag of Object.keys(c.options)) {
        // `spoor up --host` is the one flag left out of its line in help.
        if (c.name === 'up' && flag === 'host') continue;
        expect(c.usage, `${c.name} --${flag}`).toContain(`--${flag}`);
      }
    }
  });

  it('are all in spoor help, in order, and each refuses an unknown flag in one line', { timeout: 60_000 }, async () => {
    const env = { SPOOR_DATA_DIR: tempDir('spoor-commands') };
    const help = await runSpoor(['help'], env);
    expect(help.code).toBe(0);
    let at = 0;
    for (const c of COMMANDS) {
      const i = help.stdout.indexOf(c.usage, at);
      expect(i, c.name).toBeGreaterThanOrEqual(at);
      at = i + c.usage.length;
    }
    // `spoor sites` takes its subcommand first.
    const args = (name: string) => (name === 'sites' ? ['sites', 'list', '--no-such-flag'] : [name, '--no-such-flag']);
    const refused = await Promise.all(COMMANDS.map((c) => runSpoor(args(c.name), env)));
    for (const r of refused) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: Unknown option '--no-such-flag'.* \(see spoor help\)\n$/);
    }
  });
});
