import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basePath, cleanPath, matchPath } from '../../../src/template/functions/go-path.js';

// Expected values are Go 1.19's path.Clean / path.Base / path.Match on the same inputs.
describe('Go path functions, fast paths and full walks alike', () => {
  const cleans: [string, string][] = [
    ['/app/servers/s1', '/app/servers/s1'], ['/', '/'], ['', '.'], ['/app//x', '/app/x'], ['/app/x/', '/app/x'],
    ['/app/./x', '/app/x'], ['/app/../x', '/x'], ['/app/x/.', '/app/x'], ['/app/x/..', '/app'], ['/..', '/'],
    ['/a/.b/..c', '/a/.b/..c'], ['a/b', 'a/b'], ['../a', '../a'],
  ];
  for (const [path, want] of cleans) it(`cleans "${path}" to "${want}"`, () => assert.equal(cleanPath(path), want));

  const bases: [string, string][] = [['/app/servers/s1', 's1'], ['/app/x/', 'x'], ['/', '/'], ['', '.'], ['name', 'name'], ['//', '/']];
  for (const [path, want] of bases) it(`takes the base of "${path}" as "${want}"`, () => assert.equal(basePath(path), want));

  const matches: [string, string, boolean][] = [
    ['/app/servers/*', '/app/servers/s1', true],
    ['/app/servers/*', '/app/servers/a/b', false],
    ['/app/servers/*', '/app/servers/', true],
    ['/app/*/port', '/app/web/port', true],
    ['/app/*/port', '/app/web/x/port', false],
    ['/a.b/*', '/aXb/c', false],
    ['/a+(b)/*', '/a+(b)/c', true],
    ['/app/s?', '/app/s1', true],
    ['/app/s[0-9]', '/app/s7', true],
    ['/app/s[^0-9]', '/app/s7', false],
    ['/app/s\\*', '/app/s*', true],
    ['*', 'line\nbreak', true],
  ];
  for (const [pattern, name, want] of matches) it(`matches "${name}" against "${pattern}": ${want}`, () => assert.equal(matchPath(pattern, name), want));

  it('still rejects a malformed pattern', () => assert.throws(() => matchPath('/app/[', '/app/x'), /syntax error in pattern/));
});
