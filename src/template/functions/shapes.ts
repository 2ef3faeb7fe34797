import type {
  CatalogNode,
  CatalogNodeServices,
  CatalogService,
  HealthCheck,
  HealthService,
  KvList,
} from '../../types/data.js';
import type { GoStruct, GoValue } from '../go/values.js';
import { goStruct } from './methods.js';

/**
 * Backend data → the Go values consul-template's functions return: structs with its field
 * names and pointer type names (for `%v`/`%T`), Go maps for string→string records.
 */

function toGoMap(record: Readonly<Record<string, string>> | undefined): ReadonlyMap<string, GoValue> {
  return new Map(Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** dependency.KeyPair from a full key ("/app/db/host") and its key relative to the prefix. */
export function toKeyPair(fullKey: string, key: string, value: string): GoStruct {
  return goStruct('*dependency.KeyPair', {
    Path: fullKey.replace(/^\//, ''),
    Key: key,
    Value: value,
    CreateIndex: 0,
    ModifyIndex: 0,
    LockIndex: 0,
    Flags: 0,
    Session: '',
  });
}

/** kv.list data → KeyPairs relative to `prefix` (consul-template's TrimPrefix + TrimLeft "/"). */
export function toKeyPairs(list: KvList, prefix: string): GoStruct[] {
  const base = prefix === '/' ? '' : prefix;
  const pairs: GoStruct[] = [];
  for (const [fullKey, value] of list) {
    const key = (fullKey.startsWith(base) ? fullKey.slice(base.length) : fullKey).replace(/^\/+/, '');
    pairs.push(toKeyPair(fullKey, key, value));
  }
  return pairs;
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
    ServiceTags: [...check.ServiceTags],
  });
}

/** dependency.HealthService (field order as consul-template declares it). */
export function toHealthService(s: HealthService): GoStruct {
  return goStruct('*dependency.HealthService', {
    Node: s.Node,
    NodeID: s.NodeID,
    NodeAddress: s.NodeAddress,
    NodeTaggedAddresses: toGoMap(s.NodeTaggedAddresses),
    NodeMeta: toGoMap(s.NodeMeta),
    ServiceMeta: toGoMap(s.ServiceMeta),
    Address: s.Address,
    ID: s.ID,
    Name: s.Name,
    Tags: [...s.Tags],
    Checks: (s.Checks ?? []).map(toHealthCheck),
    Status: s.Status,
    Port: s.Port,
  });
}

/** dependency.CatalogSnippet (`services`). */
export function toCatalogSnippet(s: CatalogService): GoStruct {
  return goStruct('*dependency.CatalogSnippet', { Name: s.Name, Tags: [...s.Tags] });
}

/** dependency.Node (`nodes`, and `.Node` of `node`). */
export function toCatalogNode(n: CatalogNode): GoStruct {
  return goStruct('*dependency.Node', {
    ID: n.ID,
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: toGoMap(n.TaggedAddresses),
    Meta: toGoMap(n.Meta),
  });
}

/** dependency.CatalogNode (`node`): the node and its services. */
export function toCatalogNodeServices(n: CatalogNodeServices): GoStruct {
  return goStruct('*dependency.CatalogNode', {
    Node: toCatalogNode(n.Node),
    Services: n.Services.map((s) =>
      goStruct('*dependency.CatalogNodeService', {
        ID: s.ID,
        Service: s.Service,
        Tags: [...s.Tags],
        Meta: toGoMap(s.Meta),
        Port: s.Port,
        Address: s.Address,
      }),
    ),
  });
}
