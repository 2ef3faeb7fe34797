import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { functionNames } from '../../../src/template/functions/index.js';
import { renderGo } from './helpers.js';

/**
 * consul-template's denylist (template.go funcMap, funcs.go `denied`): a matching function stays
 * defined, so the template parses, and fails when called with `function is disabled`; `denied`
 * is a func(...string), so Go's type check of its arguments comes first.
 */
const cases: readonly { name: string; denylist: string[]; template: string; want?: string; error?: string }[] = [
  { name: 'a denied function fails at the call', denylist: ['env'], template: 'a{{ env "HOME" }}', error: 'template: x.tmpl:1:4: executing "x.tmpl" at <env "HOME">: error calling env: function is disabled' },
  { name: 'a glob denies every match', denylist: ['file*'], template: '{{ fileExists "/" }}', error: 'error calling fileExists: function is disabled' },
  { name: 'a denied function not called does no harm', denylist: ['env'], template: '{{ if false }}{{ env "HOME" }}{{ end }}ok', want: 'ok' },
  { name: 'executeTemplate can be denied', denylist: ['executeTemplate'], template: '{{ define "a" }}A{{ end }}{{ executeTemplate "a" }}', error: 'error calling executeTemplate: function is disabled' },
  { name: 'executeTemplate works unless denied', denylist: ['env'], template: '{{ define "a" }}A{{ end }}{{ executeTemplate "a" }}', want: 'A' },
  { name: 'include can be denied', denylist: ['incl*'], template: '{{ include "x" }}', error: 'error calling include: function is disabled' },
  { name: 'arguments must be strings, as for func(...string)', denylist: ['add'], template: '{{ add 1 2 }}', error: 'executing "x.tmpl" at <1>: expected string; found 1' },
  { name: '? is no wildcard (go-glob has only *)', denylist: ['en?'], template: '{{ env "NOPE" }}ok', want: 'ok' },
  { name: 'a glob matches the whole name', denylist: ['nv'], template: '{{ env "NOPE" }}ok', want: 'ok' },
  { name: '* between parts', denylist: ['*Map*'], template: '{{ mergeMap }}', error: 'error calling mergeMap: function is disabled' },
];

describe('function denylist', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const run = renderGo(c.template, 'consul-template', { denylist: c.denylist });
      if (c.error === undefined) assert.equal((await run).output, c.want);
      else await assert.rejects(run, (error: Error) => error.message.includes(c.error!));
    });
  }

  it('denied functions stay defined, so templates parse', () => {
    assert.ok(functionNames('consul-template').has('env'));
  });
});
