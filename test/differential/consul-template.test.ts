import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findBinary } from '../support/binaries.js';
import { startConsulAgent, type TestConsul } from '../support/consul-agent.js';
import { consulCorpus } from './consul-corpus.js';
import { renderWithConsul, type TemplateCase } from './consul-peer.js';
import { compareOutcomes, describeDisagreements, dumpDisagreements, makeScratchDir, type Wart } from './outcome.js';

/**
 * Differential test against the real consul-template 0.20.0 and a real Consul agent: named
 * cases for the Go types of the values it hands to templates, and a generated corpus, rendered
 * by consul-template and by ctmpl (-once), compared byte for byte (a template the peer fails on
 * must fail in ctmpl too). The consul conformance cases hold the same peer's recorded output
 * and run in test/conformance.test.ts.
 */
const SEED = 20261203;
const CORPUS_SIZE = 250;

const ADDRESS = /0xc[0-9a-f]{6,12}/g;
const withoutAddresses = (text: string | undefined) => text?.replace(ADDRESS, '0xADDRESS');

/** consul-template behaviours ctmpl does not copy on purpose (each also has a named test below). */
const WARTS: readonly Wart[] = [
  {
    // A pointer nested in a printed value prints as its address (`{{ services }}`, `.Checks`):
    // the peer's differ on every run, ctmpl prints a fixed one.
    name: 'pointer addresses',
    matches: (d) => d.peer.output !== undefined && withoutAddresses(d.peer.output) === withoutAddresses(d.ctmpl.output),
  },
  {
    // consul-template executes each template once before its data arrives, with empty results;
    // an error then (`index (ls "p") 0` on the still-empty list) fails the run for good. ctmpl
    // treats an error while data is missing as "not ready yet" and renders once the data is in.
    name: 'error before the data arrives',
    matches: (d) => d.peer.output === undefined && /index \((ls|tree|service|nodes|services) /.test(d.template),
  },
  {
    // consul-template 0.20 compares the render with the destination's bytes (nil when absent):
    // an empty render equals a missing file, so it is never created. ctmpl writes the empty file.
    name: 'empty render writes no file',
    matches: (d) => d.peer.output === undefined && d.ctmpl.output === '',
  },
];

/** Values whose Go types show in the output: uint64 indexes and flags, maps, slices, nil. */
const NAMED_CASES: readonly TemplateCase[] = [
  { name: 'kv_uint64_fields', template: '{{ range ls "types" }}{{ .Key }} {{ .Flags }} {{ printf "%T %T %d" .Flags .CreateIndex .LockIndex }}\n{{ end }}' },
  { name: 'kv_keypair_printed', template: '{{ range tree "types" }}{{ . }}\n{{ printf "%+v" . }}\n{{ end }}' },
  { name: 'kv_uint64_compare', template: '{{ range ls "types" }}{{ gt .CreateIndex 0 }} {{ eq .LockIndex 0 }} {{ lt .Flags 1 }}\n{{ end }}' },
  { name: 'kv_uint64_bad_verb', template: '{{ range ls "types" }}{{ printf "%s|%f" .Flags .ModifyIndex }}\n{{ end }}' },
  { name: 'service_tags_type', template: '{{ range service "web" }}{{ printf "%T %v %d" .Tags .Tags (len .Tags) }} {{ index .Tags 0 }}\n{{ end }}' },
  { name: 'service_meta_missing_index', template: '{{ range service "web" }}[{{ index .ServiceMeta "nope" }}] [{{ index .NodeMeta "nope" }}] [{{ .ServiceMeta.nope }}] {{ printf "%T" .ServiceMeta }}\n{{ end }}' },
  { name: 'health_service_printed', template: '{{ range service "db" }}{{ printf "%v\n%+v" . . }}{{ end }}\n' },
  { name: 'catalog_node_printed', template: '{{ with node }}{{ printf "%T %T" .Node .Services }} {{ range .Services }}{{ printf "%+v" . }} {{ end }}{{ end }}\n' },
  { name: 'nodes_printed', template: '{{ range nodes }}{{ . }} {{ printf "%+v %T" . . }}{{ end }}\n' },
  { name: 'services_printed', template: '{{ range services }}{{ . }} {{ printf "%T %T" . .Tags }}\n{{ end }}' },
  { name: 'explode_missing_index', template: '{{ $e := explode (tree "types") }}[{{ index $e "nope" }}] {{ printf "%T" $e }}\n' },
  { name: 'byKey_missing_index', template: '{{ $b := byKey (tree "types") }}[{{ index $b "nope" }}] {{ printf "%T" $b }}\n' },
  { name: 'byTag_missing_index', template: '{{ $t := service "web" | byTag }}[{{ index $t "nope" }}] {{ printf "%T" $t }}\n' },
  { name: 'parse_int_types', template: '{{ printf "%T %T %v %v" (parseInt "-7") (parseUint "18446744073709551615") (parseUint "18446744073709551615") (parseInt "") }}\n' },
  { name: 'loop_int64', template: '{{ range loop 2 }}{{ printf "%T=%d " . . }}{{ end }}\n' },
  { name: 'toYAML_float32', template: '{{ toYAML (parseJSON "{\\"a\\":0.1,\\"b\\":3.14159265358979,\\"c\\":1e300,\\"d\\":2}") }}\n' },
  { name: 'toJSON_negative_zero', template: '{{ toJSON (parseJSON "[-0.0, 0.5]") }}\n' },
  // The documented warts (WARTS below): each named here so a run always exercises them.
  { name: 'wart_pointer_addresses', template: '{{ services }}\n' },
  { name: 'wart_error_before_the_data_arrives', template: '{{ with index (ls "types") 0 }}{{ .Key }}{{ end }}\n' },
  { name: 'wart_empty_render_writes_no_file', template: '{{ range ls "types/nope" }}x{{ end }}' },
];

async function loadConsul(agent: TestConsul, cases: readonly { kv: ReadonlyMap<string, string> }[]): Promise<void> {
  const puts = cases.flatMap((c) => [...c.kv]);
  for (let i = 0; i < puts.length; i += 32) await Promise.all(puts.slice(i, i + 32).map(([k, v]) => agent.putKey(k, v)));
  await agent.putKey('types/a', 'one');
  await agent.putKey('types/big', 'two', 18446744073709551615n);
  await agent.putKey('types/sub/c', 'three', 7n);
  // Each resolves once the agent's health endpoint lists it; cache1's TTL check never passes.
  await agent.registerService({ ID: 'web1', Name: 'web', Tags: ['prod', 'v1'], Address: '10.0.0.1', Port: 80, Meta: { version: '1' } });
  await agent.registerService({ ID: 'web2', Name: 'web', Tags: ['v2'], Port: 8080 });
  await agent.registerService({ ID: 'db1', Name: 'db', Port: 5432 });
  await agent.registerService({ ID: 'cache1', Name: 'cache', Port: 6379, Status: 'critical' });
}

const consul = findBinary('consul', 'consul (no Debian package: put a Consul 1.2 agent on PATH)', 'differential test against consul-template');
const peer = findBinary('consul-template', 'consul-template (no Debian package: put consul-template 0.20.0 on PATH)', 'differential test against consul-template');

describe('ctmpl renders like the real consul-template', { skip: consul.skip ?? peer.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let agent: TestConsul;
  before(async () => {
    ({ dir, cleanup } = await makeScratchDir('ctmpl-diff-ct-'));
    agent = await startConsulAgent({ binary: consul.path! });
  });
  after(async () => {
    await agent?.close();
    await cleanup();
  });

  it('renders the Go-type cases and the generated corpus byte for byte as consul-template does', async () => {
    const corpus = consulCorpus(SEED, CORPUS_SIZE);
    await loadConsul(agent, corpus);
    const cases: TemplateCase[] = [...NAMED_CASES, ...corpus];
    const result = await renderWithConsul(peer.path!, `127.0.0.1:${agent.port}`, dir, cases);
    const templates = new Map(cases.map((c) => [c.name, c.template]));
    const comparison = compareOutcomes(templates, result.peer, result.ctmpl, WARTS);
    const warts = [...comparison.warts].map(([wart, list]) => `${wart}: ${list.length}`).join(', ') || 'none';
    process.stdout.write(
      `differential consul-template: ${cases.length} templates (${NAMED_CASES.length} named cases, ${corpus.length} generated, seed ${SEED}), ` +
        `${comparison.peerFailures} failed in consul-template, ${comparison.disagreements.length} unexplained disagreements, warts: ${warts}; ` +
        `consul-template ${result.peerMs} ms in ${result.peerRuns} runs (${result.peerTimeouts.length} waited forever: ${result.peerTimeouts.join(' ') || 'none'}), ctmpl ${result.ctmplMs} ms\n`,
    );
    await dumpDisagreements(comparison.disagreements);
    for (const wart of WARTS) assert.ok(comparison.warts.has(wart.name), `the named case for wart "${wart.name}" still shows it`);
    assert.equal(comparison.disagreements.length, 0, describeDisagreements(comparison.disagreements));
  });
});
