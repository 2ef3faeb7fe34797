import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitTemplateSpec } from '../../src/config/template-spec.js';

describe('splitTemplateSpec parses -template as consul-template does', () => {
  const cases: { name: string; spec: string; want: ReturnType<typeof splitTemplateSpec> }[] = [
    { name: 'source only', spec: 'in.ctmpl', want: { source: 'in.ctmpl' } },
    { name: 'source and destination', spec: 'in.ctmpl:out.conf', want: { source: 'in.ctmpl', destination: 'out.conf' } },
    { name: 'with a command', spec: 'in:out:nginx -s reload', want: { source: 'in', destination: 'out', command: 'nginx -s reload' } },
    { name: 'colons inside the command', spec: 'in:out:echo a:b:c', want: { source: 'in', destination: 'out', command: 'echo a:b:c' } },
    { name: 'Windows drive letters', spec: 'C:\\in.tpl:D:\\out.conf:cmd', want: { source: 'C:\\in.tpl', destination: 'D:\\out.conf', command: 'cmd' } },
    { name: 'empty fields vanish', spec: 'in::out', want: { source: 'in', destination: 'out' } },
  ];
  for (const { name, spec, want } of cases) {
    it(`splits ${name}`, () => assert.deepEqual(splitTemplateSpec(spec), want));
  }

  it('rejects an empty spec', () => assert.throws(() => splitTemplateSpec('  '), /empty template spec/));
});
