/** `dynamo dashboard`'s command line: defaults, several controllers, and mistakes refused with a line naming them. */
import { describe, expect, it } from 'vitest';
import { parseDashboardArgs, repeatedOption } from '../src/control/cli/dashboard-command.js';

function run(argv: readonly string[]): { host: string; port: number; controllers: { name: string; url: string }[] } {
  const parsed = parseDashboardArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`not a run: ${parsed.kind}`);
  return parsed.args;
}

describe('dynamo dashboard arguments', () => {
  it('defaults to 127.0.0.1:3001 in front of the controller on 127.0.0.1:3000', () => {
    expect(run([])).toMatchObject({ host: '127.0.0.1', port: 3001, controllers: [{ name: '127.0.0.1:3000', url: 'http://127.0.0.1:3000' }] });
  });

  it('takes several controllers: the option repeated, with =, or separated by commas, in order', () => {
    const urls = (argv: string[]): string[] => run(argv).controllers.map((c) => c.url);
    expect(urls(['--controller', 'http://127.0.0.1:3000', '--controller', 'http://127.0.0.1:3002'])).toEqual(['http://127.0.0.1:3000', 'http://127.0.0.1:3002']);
    expect(urls(['--controller=http://127.0.0.1:3000,http://127.0.0.1:3002', '--port', '0'])).toEqual(['http://127.0.0.1:3000', 'http://127.0.0.1:3002']);
    expect(repeatedOption(['--controller', 'a', 'b', '--port', '1', '--controller', 'c'], '--controller')).toEqual(['a', 'b', 'c']);
  });

  it('refuses a bad address, a controller given twice, a bad port, a stray argument, and a public host without a token', () => {
    expect(() => run(['--controller', 'http://127.0.0.1:3000/x'])).toThrow(/--controller: .*must be http:\/\/host:port/);
    expect(() => run(['--controller', 'http://127.0.0.1:3000', '--controller', 'http://127.0.0.1:3000'])).toThrow(/given twice/);
    expect(() => run(['--port', '70000'])).toThrow(/--port must be a port number/);
    expect(() => run(['extra'])).toThrow(/Unknown argument: extra/);
    expect(() => run(['--host', '0.0.0.0'])).toThrow(/give --token-file/);
  });

  it('answers --help with what it does', () => {
    const parsed = parseDashboardArgs(['--help']);
    expect(parsed.kind).toBe('help');
    expect(parsed.kind === 'help' && parsed.text).toContain('--controller');
  });
});
