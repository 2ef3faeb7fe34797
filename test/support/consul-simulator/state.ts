import { randomUUID } from 'node:crypto';

/** One raft-like data set: KV, one node, its services and checks, and the table indexes. */

export type CheckStatus = 'passing' | 'warning' | 'critical';

export interface ServiceDefinition {
  readonly ID: string;
  readonly Name: string;
  readonly Address?: string;
  readonly Port?: number;
  readonly Tags?: readonly string[];
  readonly Meta?: Readonly<Record<string, string>> | null;
  readonly Status?: CheckStatus;
}

export interface SimulatorSetup {
  readonly kv?: Readonly<Record<string, string>>;
  readonly services?: readonly ServiceDefinition[];
}

export interface KvEntry {
  readonly key: string;
  readonly value: string;
  readonly flags: number;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface ServiceRecord {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>> | null;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface CheckRecord {
  readonly checkId: string;
  readonly name: string;
  readonly status: string;
  readonly output: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly serviceTags: readonly string[];
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface NodeRecord {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly datacenter: string;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

type Table = 'kvs' | 'tombstones' | 'nodes' | 'services' | 'checks';

export class ConsulState {
  readonly node: NodeRecord;
  readonly kv = new Map<string, KvEntry>();
  readonly services = new Map<string, ServiceRecord>();
  readonly checks = new Map<string, CheckRecord>();
  readonly #graveyard = new Map<string, number>();
  readonly #serviceIndexes = new Map<string, number>();
  readonly #tables: Record<Table, number> = { kvs: 0, tombstones: 0, nodes: 10, services: 9, checks: 9 };
  readonly #listeners = new Set<() => void>();
  #index = 10;

  constructor(nodeName: string, datacenter: string) {
    this.node = { id: randomUUID(), name: nodeName, address: '127.0.0.1', datacenter, createIndex: 9, modifyIndex: 10 };
    this.services.set('consul', agentService());
    this.checks.set('serfHealth', serfHealthCheck());
  }

  /** The last index handed out: the raft index of the latest write. */
  get currentIndex(): number {
    return this.#index;
  }

  /** Calls `listener` after every write; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  load(setup: SimulatorSetup): void {
    for (const [key, value] of Object.entries(setup.kv ?? {})) this.putKey(key, value);
    for (const service of setup.services ?? []) this.registerService(service);
  }

  putKey(key: string, value: string, flags = 0): void {
    const index = this.#next();
    const old = this.kv.get(key);
    this.kv.set(key, { key, value, flags, createIndex: old?.createIndex ?? index, modifyIndex: index });
    this.#graveyard.delete(key);
    this.#touch(index, 'kvs');
  }

  /** Deletes one key, or every key under the prefix when `recurse`. Returns whether anything went. */
  deleteKey(key: string, recurse = false): boolean {
    const doomed = [...this.kv.keys()].filter((k) => (recurse ? k.startsWith(key) : k === key));
    if (doomed.length === 0) return false;
    const index = this.#next();
    for (const k of doomed) {
      this.kv.delete(k);
      this.#graveyard.set(k, index);
    }
    this.#touch(index, 'kvs', 'tombstones');
    return true;
  }

  registerService(def: ServiceDefinition): void {
    const index = this.#next();
    const old = this.services.get(def.ID);
    const meta = def.Meta && Object.keys(def.Meta).length > 0 ? def.Meta : null;
    const record: ServiceRecord = {
      id: def.ID, name: def.Name, address: def.Address ?? '', port: def.Port ?? 0, tags: [...(def.Tags ?? [])], meta,
      createIndex: old?.createIndex ?? index, modifyIndex: index,
    };
    this.services.set(def.ID, record);
    this.#serviceIndexes.set(def.Name, index);
    this.#touch(index, 'services');
    if (def.Status === undefined) return;
    this.checks.set(`chk-${def.ID}`, ttlCheck(record, index));
    // TTL checks start critical; the agent then reports the wanted status in a second write.
    if (def.Status !== 'critical') this.setCheckStatus(def.ID, def.Status);
  }

  deregisterService(id: string): void {
    const service = this.services.get(id);
    if (!service) return;
    const index = this.#next();
    this.services.delete(id);
    for (const check of [...this.checks.values()]) if (check.serviceId === id) this.checks.delete(check.checkId);
    this.#serviceIndexes.set(service.name, index);
    this.#touch(index, 'services', 'checks');
  }

  /** Sets the service's TTL check; 'maintenance' adds Consul's critical maintenance check instead. */
  setCheckStatus(serviceId: string, status: CheckStatus | 'maintenance'): void {
    if (status === 'maintenance') return this.#enterMaintenance(serviceId);
    const check = this.checks.get(`chk-${serviceId}`);
    if (!check) throw new Error(`no check for service ${serviceId}`);
    const index = this.#next();
    this.checks.set(check.checkId, { ...check, status, modifyIndex: index });
    this.#serviceIndexes.set(check.serviceName, index);
    this.#touch(index, 'checks');
  }

  #enterMaintenance(serviceId: string): void {
    const service = this.services.get(serviceId);
    if (!service) throw new Error(`no service ${serviceId}`);
    const index = this.#next();
    const check = { ...ttlCheck(service, index), checkId: `_service_maintenance:${serviceId}`, name: 'Service Maintenance Mode' };
    this.checks.set(check.checkId, check);
    this.#serviceIndexes.set(service.name, index);
    this.#touch(index, 'checks');
  }

  /** X-Consul-Index of a single-key read: the key's ModifyIndex, else the KV tables' index. */
  kvGetIndex(key: string): number {
    return this.kv.get(key)?.modifyIndex ?? this.#max('kvs', 'tombstones');
  }

  /** X-Consul-Index of a prefix read, counting deletes under the prefix (Consul's graveyard). */
  kvListIndex(prefix: string): number {
    if (prefix === '') return this.#max('kvs', 'tombstones');
    let index = 0;
    for (const entry of this.kv.values()) if (entry.key.startsWith(prefix)) index = Math.max(index, entry.modifyIndex);
    for (const [key, at] of this.#graveyard) if (key.startsWith(prefix)) index = Math.max(index, at);
    return index || this.#max('kvs', 'tombstones');
  }

  serviceIndex(name: string): number {
    return this.#serviceIndexes.get(name) ?? this.#max('nodes', 'services', 'checks');
  }

  tableIndex(...tables: Table[]): number {
    return this.#max(...tables);
  }

  #max(...tables: Table[]): number {
    return Math.max(...tables.map((t) => this.#tables[t]));
  }

  #next(): number {
    this.#index += 1;
    return this.#index;
  }

  #touch(index: number, ...tables: Table[]): void {
    for (const table of tables) this.#tables[table] = index;
    for (const listener of [...this.#listeners]) listener();
  }
}

function agentService(): ServiceRecord {
  return { id: 'consul', name: 'consul', address: '', port: 38300, tags: [], meta: null, createIndex: 9, modifyIndex: 9 };
}

function serfHealthCheck(): CheckRecord {
  return {
    checkId: 'serfHealth', name: 'Serf Health Status', status: 'passing', output: 'Agent alive and reachable',
    serviceId: '', serviceName: '', serviceTags: [], createIndex: 9, modifyIndex: 9,
  };
}

function ttlCheck(service: ServiceRecord, index: number): CheckRecord {
  return {
    checkId: `chk-${service.id}`, name: 'ttl', status: 'critical', output: '', serviceId: service.id,
    serviceName: service.name, serviceTags: service.tags, createIndex: index, modifyIndex: index,
  };
}
