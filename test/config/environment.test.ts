import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { settingsFromEnvironment } from '../../src/config/environment.js';

const cases: { name: string; env: Record<string, string>; settings: Record<string, unknown> }[] = [
  { name: 'reads a string flag from CONFD_<FLAG>', env: { CONFD_BACKEND: 'etcd', CONFD_LOG_LEVEL: 'debug' }, settings: { backend: 'etcd', 'log-level': 'debug' } },
  { name: 'splits a list flag on commas', env: { CONFD_NODE: 'http://a:2379, http://b:2379' }, settings: { node: ['http://a:2379', 'http://b:2379'] } },
  { name: 'reads booleans and numbers', env: { CONFD_ONETIME: 'true', CONFD_WATCH: '0', CONFD_INTERVAL: '30' }, settings: { onetime: true, watch: false, interval: 30 } },
  { name: 'reads CONSUL_HTTP_TOKEN as the Consul token', env: { CONSUL_HTTP_TOKEN: 'secret' }, settings: { 'consul-token': 'secret' } },
  { name: 'lets CONFD_CONSUL_TOKEN win over CONSUL_HTTP_TOKEN', env: { CONSUL_HTTP_TOKEN: 'a', CONFD_CONSUL_TOKEN: 'b' }, settings: { 'consul-token': 'b' } },
  { name: 'ignores empty variables, CONSUL_HTTP_ADDR and CONFD_HELP', env: { CONFD_BACKEND: '', CONSUL_HTTP_ADDR: 'x:1', CONFD_HELP: 'true' }, settings: {} },
];

describe('settings from the environment', () => {
  for (const { name, env, settings } of cases) it(name, () => assert.deepEqual(settingsFromEnvironment(env), settings));

  it('refuses a boolean it cannot read, naming the variable', () => {
    assert.throws(() => settingsFromEnvironment({ CONFD_NOOP: 'maybe' }), /^CtmplError: CONFD_NOOP: want true or false, not "maybe"$/);
  });
});
