import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileTemplate } from '../../../src/template/render.js';
import type { Host, IfAddr } from '../../../src/template/functions/sockaddr/index.js';
import { FLAG_BROADCAST, FLAG_LOOPBACK, FLAG_MULTICAST, FLAG_UP } from '../../../src/template/functions/sockaddr/host.js';
import { parseIPAddr } from '../../../src/template/functions/sockaddr/ip.js';
import { findBinary } from '../../support/binaries.js';
import { call, funcsFor } from './helpers.js';

/**
 * test/fixtures/sockaddr/loopback.json: `sockaddr` expressions over the loopback interface (the
 * same on any Linux host) and what gotmpl (go-sockaddr 1.0.2) gave; machine.json: expressions
 * whose answer depends on the host, compared live with gotmpl when it is on PATH.
 */
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/sockaddr/${name}`, import.meta.url), 'utf8'));
const LOOPBACK: readonly { expr: string; output?: string; error?: string }[] = fixture('loopback.json');
const MACHINE: readonly string[] = fixture('machine.json');

function evaluate(expr: string, options = {}): { output?: string; error?: string } {
  try {
    return { output: call(funcsFor('consul-template', undefined, {}, options), 'sockaddr', expr) as string };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('sockaddr on the loopback interface gives what go-sockaddr gives', () => {
  for (const c of LOOPBACK) {
    it(c.expr, () => assert.deepEqual(evaluate(c.expr), c.output !== undefined ? { output: c.output } : { error: c.error }));
  }
});

const gotmpl = findBinary('gotmpl', 'gotmpl (the reference renderer) on PATH', 'sockaddr against gotmpl');

describe('sockaddr against gotmpl on this machine', { skip: gotmpl.skip }, () => {
  it('agrees on every recorded expression, host-dependent ones included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctmpl-sockaddr-'));
    try {
      const wrong = [...LOOPBACK.map((c) => c.expr), ...MACHINE].flatMap((expr) => {
        writeFileSync(join(dir, 't.tmpl'), `{{ sockaddr ${JSON.stringify(expr)} }}`);
        let reference: { output?: string; error?: string };
        try {
          reference = { output: execFileSync(gotmpl.path!, [join(dir, 't.tmpl')], { stdio: 'pipe', encoding: 'utf8' }) };
        } catch (error) {
          reference = { error: String((error as { stderr: string }).stderr) };
        }
        const mine = evaluate(expr);
        const agrees = reference.output !== undefined ? mine.output === reference.output : mine.error !== undefined && reference.error!.includes(mine.error);
        return agrees ? [] : [`${expr}: gotmpl ${JSON.stringify(reference)} ctmpl ${JSON.stringify(mine)}`];
      });
      assert.deepEqual(wrong, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A made-up host: eth0 (default route) with a private and a public address, docker0, lo. */
function fakeHost(): Host {
  const iface = (index: number, name: string, flags: number, hardwareAddr = '02:00:00:00:00:0' + index) => ({ index, mtu: 1500, name, hardwareAddr, flags });
  const lo = iface(1, 'lo', FLAG_UP | FLAG_LOOPBACK, '');
  const eth0 = iface(2, 'eth0', FLAG_UP | FLAG_BROADCAST | FLAG_MULTICAST);
  const docker0 = iface(3, 'docker0', FLAG_UP | FLAG_BROADCAST | FLAG_MULTICAST);
  const at = (cidr: string, i: IfAddr['iface']): IfAddr => ({ ip: parseIPAddr(cidr)!, iface: i });
  const addrs = [at('127.0.0.1/8', lo), at('::1/128', lo), at('172.17.0.1/16', docker0), at('10.1.2.3/24', eth0), at('8.8.4.4/24', eth0), at('2a00:1450::8/64', eth0)];
  return { interfaces: () => addrs, defaultInterfaceName: () => 'eth0' };
}

describe('sockaddr rules on a made-up host', () => {
  const cases: readonly [name: string, expr: string, want: string][] = [
    ['GetPrivateIP prefers the default interface, IPv4 first', 'GetPrivateIP', '10.1.2.3'],
    ['GetPrivateIPs lists every forwardable RFC 6890 address, biggest networks first', 'GetPrivateIPs', '172.17.0.1 10.1.2.3'],
    ['GetPublicIP is the first address outside RFC 6890', 'GetPublicIP', '8.8.4.4'],
    ['GetPublicIPs', 'GetPublicIPs', '8.8.4.4 2a00:1450::8'],
    ['GetInterfaceIP skips loopback addresses', 'GetInterfaceIP "eth0"', '10.1.2.3'],
    ['GetDefaultInterfaces names the default route interface', 'GetDefaultInterfaces | join "address" " "', '10.1.2.3 8.8.4.4 2a00:1450::8'],
    ['sort "-size" puts the longest masks first', 'GetAllInterfaces | include "type" "ipv4" | sort "-size" | join "address" " "', '10.1.2.3 8.8.4.4 172.17.0.1 127.0.0.1'],
    ['exclude by network', 'GetAllInterfaces | exclude "network" "10.0.0.0/8" | include "type" "ipv4" | join "name" ","', 'lo,docker0,eth0'],
    ['an IfAddr prints its address and interface', 'GetAllInterfaces | include "name" "docker0"', '[172.17.0.1/16 {3 1500 docker0 02:00:00:00:00:03 up|broadcast|multicast}]'],
  ];
  for (const [name, expr, want] of cases) it(name, () => assert.deepEqual(evaluate(expr, { sockaddrHost: fakeHost() }), { output: want }));
});

describe('sockaddr in templates', () => {
  it('joins its arguments with spaces, as consul-template does', async () => {
    const template = await compileTemplate({ name: 't', text: '{{ sockaddr "GetAllInterfaces | include" "\\"name\\" \\"^lo$\\"" "| attr \\"address\\"" }}', dialect: 'go', flavor: 'consul-template' });
    const result = template.render(new Map(), { env: {}, prefix: '/', denylist: [] });
    assert.equal(result.output, '127.0.0.1');
  });

  it('is a consul-template function: confd templates do not have it', async () => {
    await assert.rejects(compileTemplate({ name: 't', text: '{{ sockaddr "GetPrivateIP" }}', dialect: 'go', flavor: 'confd' }), /function "sockaddr" not defined/);
  });
});
