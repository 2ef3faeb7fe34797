import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VaultSecret } from '../../../src/backends/backend.js';
import { parseJsonKeepingNumbers, type JsonValue } from '../../../src/json-number.js';
import { compileTemplate } from '../../../src/template/render.js';
import { FakeData } from '../../support/fake-data.js';

/** consul-template's `secret` and `secrets` over fake Vault data, rendered by the Go engine. */

function secretOf(data: string, extra: Partial<VaultSecret> = {}): VaultSecret {
  return {
    RequestID: 'r', LeaseID: '', LeaseDuration: 2764800, Renewable: false, Warnings: [], Auth: null, WrapInfo: null,
    Data: parseJsonKeepingNumbers(data) as ReadonlyMap<string, JsonValue>, ...extra,
  };
}

async function render(text: string, other: Record<string, unknown>) {
  const template = await compileTemplate({ name: 't', text, dialect: 'go', flavor: 'consul-template' });
  const data = new FakeData({}, other);
  const snapshots = new Map(Object.entries(other));
  return { result: template.render(snapshots, { env: {}, prefix: '/', denylist: [] }), data };
}

describe('consul-template Vault functions', () => {
  const app = secretOf('{"user":"admin","port":8080,"ratio":1.50,"on":true,"none":null}');
  const cases = [
    { name: 'secret reads fields of .Data', text: '{{with secret "kv/app"}}{{.Data.user}}{{end}}', want: 'admin' },
    { name: 'the path is trimmed of spaces and slashes', text: '{{with secret " /kv/app/ "}}{{.Data.user}}{{end}}', want: 'admin' },
    { name: 'numbers print their JSON text', text: '{{with secret "kv/app"}}{{.Data.port}} {{.Data.ratio}}{{end}}', want: '8080 1.50' },
    { name: 'a json.Number is a string to printf and eq', text: '{{with secret "kv/app"}}{{printf "%d|%q" .Data.port .Data.port}} {{eq .Data.port "8080"}}{{end}}', want: '%!d(json.Number=8080)|"8080" true' },
    { name: 'a null field prints <no value>', text: '{{with secret "kv/app"}}[{{.Data.none}}]{{end}}', want: '[<no value>]' },
    { name: 'absent Auth and WrapInfo are nil pointers', text: '{{with secret "kv/app"}}{{.Auth}} {{.WrapInfo}} {{.Warnings}} [{{.LeaseID}}]{{end}}', want: '<nil> <nil> [] []' },
    { name: 'toJSON keeps number text', text: '{{with secret "kv/app"}}{{toJSON .Data}}{{end}}', want: '{"none":null,"on":true,"port":8080,"ratio":1.50,"user":"admin"}' },
    { name: 'secrets lists names', text: '{{secrets "kv/"}}', want: '[a b/]' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { result } = await render(c.text, { 'vault.read(kv/app)': app, 'vault.list(kv)': ['a', 'b/'] });
      assert.equal(result.output, c.want);
    });
  }

  it('works in the Handlebars dialect too, numbers as their text', async () => {
    const template = await compileTemplate({ name: 't', text: '{{#with (secret "kv/app")}}{{Data.user}} {{Data.ratio}}{{/with}}', dialect: 'handlebars', flavor: 'consul-template' });
    const result = template.render(new Map([['vault.read(kv/app)', app]]), { env: {}, prefix: '/', denylist: [] });
    assert.equal(result.output, 'admin 1.50');
  });

  it('a secret with no data yet is missing and `with` skips it', async () => {
    const { result } = await render('{{with secret "kv/app"}}x{{end}}', {});
    assert.equal(result.output, undefined);
    assert.deepEqual([...result.missing.keys()], ['vault.read(kv/app)']);
  });

  it('dereferencing a secret with no data yet fails at once, as consul-template does', async () => {
    await assert.rejects(render('{{(secret "kv/app").Data.user}}', {}), /nil pointer evaluating \*dependency\.Secret\.Data/);
  });

  it('k=v arguments make a write, keyed by a hash of its data as consul-template does', async () => {
    const { result } = await render('{{with secret "kv/written" "a=b"}}{{.Data}}{{end}}', {});
    assert.deepEqual([...result.missing.keys()], ['vault.write(kv/written -> 2b660a4a)']);
  });

  it('an argument without = is an error naming it', async () => {
    await assert.rejects(render('{{secret "kv/app" "novalue"}}', {}), /not k=v pair "novalue"/);
  });
});
