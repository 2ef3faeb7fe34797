import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { kvMetaOf, withKvMeta } from '../../src/types/data.js';
import { compressPayload, decodePayload, directPayload, payloadText } from '../../src/runner/dedup/payload.js';
import { templateHash } from '../../src/runner/dedup/template-hash.js';

const meta = { CreateIndex: 5n, ModifyIndex: 18446744073709551615n, LockIndex: 0n, Flags: 7n, Session: '' };

describe('the published payload', () => {
  it('round-trips every data shape: strings, null, KV lists with their Consul metadata, services, objects with $ keys', () => {
    const list = withKvMeta(new Map([['/app/a', '1'], ['/app/b', '\udc80bytes']]), new Map([['/app/a', meta]]));
    const data = new Map<string, unknown>([
      ['kv.get(/app/x)', 'value'],
      ['kv.get(/app/missing)', null],
      ['kv.list(/app)', list],
      ['health.service(web|passing)', [{ Node: 'n1', Port: 80, Tags: ['a'], NodeMeta: { $map: 'user data' }, Checks: [] }]],
    ]);
    const decoded = decodePayload(compressPayload(payloadText(data)));
    assert.equal(decoded.kind, 'data');
    assert.deepEqual(decoded.kind === 'data' && decoded.data, data);
    const back = (decoded.kind === 'data' && decoded.data.get('kv.list(/app)')) as Map<string, string>;
    assert.deepEqual(kvMetaOf(back, '/app/a'), meta);
    assert.equal(kvMetaOf(back, '/app/b'), undefined);
  });

  it('says that the data is watched directly when it did not fit', () => {
    assert.deepEqual(decodePayload(directPayload('too big')), { kind: 'direct', reason: 'too big' });
  });

  const foreign: { name: string; bytes: Uint8Array; message: RegExp }[] = [
    { name: 'another tool\'s bytes', bytes: Buffer.from('gob+lzw from consul-template'), message: /not a ctmpl payload/ },
    { name: 'JSON of another format', bytes: deflateRawSync('{"format":"other/9","data":[]}'), message: /format "other\/9", want ctmpl-dedup\/1/ },
    { name: 'ctmpl\'s format without data', bytes: deflateRawSync('{"format":"ctmpl-dedup/1"}'), message: /no data/ },
  ];
  for (const { name, bytes, message } of foreign) {
    it(`refuses ${name}`, () => assert.throws(() => decodePayload(bytes), message));
  }
});

describe('the template hash', () => {
  const base = { text: '{{ key "a" }}', dialect: 'go', flavor: 'consul-template', prefix: '/' };
  const cases: { name: string; other: Parameters<typeof templateHash>[0]; same: boolean }[] = [
    { name: 'the same template', other: { ...base }, same: true },
    { name: 'other text', other: { ...base, text: '{{ key "b" }}' }, same: false },
    { name: 'another flavor', other: { ...base, flavor: 'confd' }, same: false },
    { name: 'other delimiters', other: { ...base, leftDelim: '[[', rightDelim: ']]' }, same: false },
    { name: 'another confd prefix', other: { ...base, prefix: '/staging' }, same: false },
    { name: 'other confd keys', other: { ...base, keys: ['/a'] }, same: false },
  ];
  for (const { name, other, same } of cases) {
    it(`${same ? 'is equal' : 'differs'} for ${name}`, () => assert.equal(templateHash(other) === templateHash(base), same));
  }
});
