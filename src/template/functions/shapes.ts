import {
  kvMetaOf,
  type CatalogNode,
  type CatalogNodeServices,
  type CatalogService,
  type HealthCheck,
  type HealthService,
  type KvList,
  type KvMeta,
} from '../../types/data.js';
import { GoInt, goMap, goSlice, type GoStruct, type GoValue } from '../go/values.js';
import { goStruct } from './methods.js';

/**
 * Backend data → the Go values consul-template 0.20's functions return, with their Go types:
 * structs with its field names, in its order, and pointer type names (for `%v`/`%T`); uint64
 * indexes; `map[string]string` records (a missing key indexes as ""); `dependency.ServiceTags`.
 */

/** A Go map[string]string. */
export function toStringMap(record: Readonly<Record<string, string>> | undefined): Map<string, GoValue> {
  return goMap('map[string]string', () => '', Object.entries(record ?? {}));
}

/** dependency.ServiceTags (`type ServiceTags []string`). */
export const toServiceTags = (tags: readonly string[]): GoValue[] => goSlice('dependency.ServiceTags', [...tags]);

const uint64 = (n: bigint) => new GoInt(n, 'uint64');
const NO_META: KvMeta = { CreateIndex: 0n, ModifyIndex: 0n, LockIndex: 0n, Flags: 0n, Session: '' };

/** dependency.KeyPair from a full key ("/app/db/host") and its key relative to the prefix. */
export function toKeyPair(fullKey: string, key: string, value: string, meta: KvMeta = NO_META): GoStruct {
  return goStruct('*dependency.KeyPair', {
    Path: fullKey.replace(/^\//, ''),
    Key: key,
    Value: value,
    CreateIndex: uint64(meta.CreateIndex),
    ModifyIndex: uint64(meta.ModifyIndex),
    LockIndex: uint64(meta.LockIndex),
    Flags: uint64(meta.Flags),
    Session: meta.Session,
  });
}

/** kv.list data → KeyPairs relative to `prefix` (consul-template's TrimPrefix + TrimLeft "/"). */
export function toKeyPairs(list: KvList, prefix: string): GoStruct[] {
  const base = prefix === '/' ? '' : prefix;
  const pairs: GoStruct[] = [];
  for (const [fullKey, value] of list) {
    const key = (fullKey.startsWith(base) ? fullKey.slice(base.length) : fullKey).replace(/^\/+/, '');
    pairs.push(toKeyPair(fullKey, key, value, kvMetaOf(list, fullKey)));
  }
  return goSlice('[]*dependency.KeyPair', pairs);
}

function toHealthCheck(check: HealthCheck): GoStruct {
  return goStruct('*api.HealthCheck', {
    Node: check.Node,
    CheckID: check.CheckID,
    Name: check.Name,
    Status: check.Status,
    Notes: check.Notes,
    Output: check.Output,
    ServiceID: check.ServiceID,
    ServiceName: check.ServiceName,
    ServiceTags: goSlice('[]string', [...check.ServiceTags]),
  });
}

/** dependency.HealthService (field order as consul-template declares it). */
export function toHealthService(s: HealthService): GoStruct {
  return goStruct('*dependency.HealthService', {
    Node: s.Node,
    NodeID: s.NodeID,
    NodeAddress: s.NodeAddress,
    NodeTaggedAddresses: toStringMap(s.NodeTaggedAddresses),
    NodeMeta: toStringMap(s.NodeMeta),
    ServiceMeta: toStringMap(s.ServiceMeta),
    Address: s.Address,
    ID: s.ID,
    Name: s.Name,
    Tags: toServiceTags(s.Tags),
    Checks: goSlice('api.HealthChecks', (s.Checks ?? []).map(toHealthCheck)),
    Status: s.Status,
    Port: s.Port,
  });
}

/** dependency.CatalogSnippet (`services`). */
export function toCatalogSnippet(s: CatalogService): GoStruct {
  return goStruct('*dependency.CatalogSnippet', { Name: s.Name, Tags: toServiceTags(s.Tags) });
}

/** dependency.Node (`nodes`, and `.Node` of `node`). */
export function toCatalogNode(n: CatalogNode): GoStruct {
  return goStruct('*dependency.Node', {
    ID: n.ID,
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: toStringMap(n.TaggedAddresses),
    Meta: toStringMap(n.Meta),
  });
}

/** dependency.CatalogNode (`node`): the node and its services. */
export function toCatalogNodeServices(n: CatalogNodeServices): GoStruct {
  return goStruct('*dependency.CatalogNode', {
    Node: toCatalogNode(n.Node),
    Services: goSlice(
      '[]*dependency.CatalogNodeService',
      n.Services.map((s) =>
        goStruct('*dependency.CatalogNodeService', {
          ID: s.ID,
          Service: s.Service,
          Tags: toServiceTags(s.Tags),
          Meta: toStringMap(s.Meta),
          Port: s.Port,
          Address: s.Address,
          EnableTagOverride: s.EnableTagOverride ?? false,
        }),
      ),
    ),
  });
}
