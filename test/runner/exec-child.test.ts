import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shellLineFor } from '../../src/runner/exec-child.js';

const cases: { name: string; command: string; line: string }[] = [
  { name: 'execs a simple command so signals and status are its own', command: 'nginx -g "daemon off;"', line: 'exec nginx -g "daemon off;"' },
  { name: 'keeps the shell for a list', command: 'prepare && serve', line: 'prepare && serve' },
  { name: 'keeps the shell for a pipeline', command: 'app | logger', line: 'app | logger' },
  { name: 'keeps the shell for a command substitution', command: 'app --id $(hostname)', line: 'app --id $(hostname)' },
];

describe('the exec child shell line', () => {
  for (const { name, command, line } of cases) it(name, () => assert.equal(shellLineFor(command), line));
});
