import { describe, expect, it } from 'vitest';
import { parseLocalSettings, UsageError } from '../../infra/local/local-settings.ts';

describe('local cloud settings', () => {
  it('defaults to port 3000 and a .openline data folder', () => {
    const settings = parseLocalSettings([], {});
    expect(settings).not.toBe('help');
    if (settings === 'help') return;
    expect(settings.ports.web).toBe(3000);
    expect(settings.dataDir).toBe('.openline');
    expect(settings.java).toBe('java');
    expect(settings.buildWeb).toBe(true);
  });

  it('takes ports from the environment and the data folder from the arguments', () => {
    const settings = parseLocalSettings(['--data-dir', '/tmp/x'], {
      OPENLINE_PORT: '3100',
      JAVA_HOME: '/opt/jdk',
    });
    if (settings === 'help') throw new Error('unexpected help');
    expect(settings.ports.web).toBe(3100);
    expect(settings.dataDir).toBe('/tmp/x');
    expect(settings.java).toBe('/opt/jdk/bin/java');
    const memory = parseLocalSettings(['--in-memory', '--no-web-build'], {});
    if (memory === 'help') throw new Error('unexpected help');
    expect(memory.dataDir).toBeUndefined();
    expect(memory.buildWeb).toBe(false);
  });

  it('rejects unknown options and bad ports with a usage error', () => {
    expect(() => parseLocalSettings(['--bogus'], {})).toThrow(UsageError);
    expect(() => parseLocalSettings(['--data-dir'], {})).toThrow(/needs a folder/);
    expect(() => parseLocalSettings([], { OPENLINE_PORT: '70000' })).toThrow(/OPENLINE_PORT/);
    expect(parseLocalSettings(['--help'], {})).toBe('help');
  });
});
