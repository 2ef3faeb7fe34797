import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencyKey } from '../../../src/types/dependency.js';
import {
  parseCatalogNode,
  parseCatalogNodes,
  parseCatalogServices,
  parseHealthService,
  parseKvGet,
  parseKvList,
} from '../../../src/template/functions/query.js';

describe('dependency query parsing', () => {
  const good: [string, () => unknown, string][] = [
    ['service name', () => parseHealthService('web'), 'health.service(web|passing)'],
    ['service with tag, dc, near and filters', () => parseHealthService('prod.web@dc1~agent|warning,critical'), 'health.service(prod.web@dc1~agent|critical,warning)'],
    ['service "any" filter', () => parseHealthService('web|any'), 'health.service(web|any)'],
    ['dotted tag: the last dot separates the name', () => parseHealthService('a.b.web'), 'health.service(a.b.web|passing)'],
    ['kv.get strips one leading slash', () => parseKvGet('/app/name'), 'kv.get(/app/name)'],
    ['kv.get with dc', () => parseKvGet('app/name@dc1'), 'kv.get(/app/name@dc1)'],
    ['kv.list of a folder', () => parseKvList('app/'), 'kv.list(/app)'],
    ['catalog.services with dc', () => parseCatalogServices('@dc1'), 'catalog.services(@dc1)'],
    ['catalog.services without dc', () => parseCatalogServices(''), 'catalog.services()'],
    ['catalog.nodes with near', () => parseCatalogNodes('@dc1~n1'), 'catalog.nodes(@dc1~n1)'],
    ['catalog.node of the agent', () => parseCatalogNode(''), 'catalog.node()'],
    ['catalog.node by name', () => parseCatalogNode('node1@dc2'), 'catalog.node(node1@dc2)'],
  ];
  for (const [name, parse, key] of good) {
    it(`parses ${name}`, () => assert.equal(dependencyKey(parse() as never), key));
  }

  const bad: [string, () => unknown, string][] = [
    ['err_bad_service_query: two @', () => parseHealthService('web@@bad'), 'health.service: invalid format: "web@@bad"'],
    ['an unknown health filter', () => parseHealthService('web|sick'), 'health.service: invalid filter: "sick" in "web|sick"'],
    ['a kv key with two datacenters', () => parseKvGet('a@b@c'), 'kv.get: invalid format: "a@b@c"'],
    ['a kv prefix that is only a datacenter', () => parseKvList('@dc1'), 'kv.list: invalid format: "@dc1"'],
    ['catalog.services with a name', () => parseCatalogServices('web'), 'catalog.services: invalid format: "web"'],
    ['catalog.node with a space', () => parseCatalogNode('a b'), 'catalog.node: invalid format: "a b"'],
  ];
  for (const [name, parse, message] of bad) {
    it(`rejects ${name}`, () => assert.throws(parse, { message }));
  }
});
