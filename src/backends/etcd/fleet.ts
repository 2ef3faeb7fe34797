import type { FleetStore } from '../fleet.js';
export function createEtcdFleet(_options: unknown): FleetStore {
  throw new Error('not yet');
}
