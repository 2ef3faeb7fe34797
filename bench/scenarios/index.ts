import type { ScenarioResult } from '../report.js';
import { run as runOnceEtcd } from './once-etcd.js';
import { run as runOnceConsul } from './once-consul.js';
import { run as runOnceFile } from './once-file.js';
import { run as runLatency } from './latency.js';
import { run as runFanOut } from './fan-out.js';
import { run as runIdleRss } from './idle-rss.js';
import { run as runRender } from './render.js';
import { run as runVaultRotation } from './vault-rotation.js';
import { run as runStartup } from './startup.js';
import { run as runFleetFootprint } from './fleet-footprint.js';
import { run as runFleetDedup } from './fleet-dedup.js';

export type Size = 'full' | 'tiny';

/** Every scenario in the order `npm run bench` runs them, with the backend binaries each needs. */
export const scenarios: readonly { name: string; needs: readonly ('etcd' | 'redis' | 'zookeeper' | 'vault')[]; run: (size: Size) => Promise<ScenarioResult> }[] = [
  { name: 'startup', needs: [], run: runStartup },
  { name: 'once-etcd', needs: ['etcd'], run: runOnceEtcd },
  { name: 'once-consul', needs: [], run: runOnceConsul },
  { name: 'once-file', needs: [], run: runOnceFile },
  { name: 'latency', needs: ['etcd', 'redis', 'zookeeper'], run: runLatency },
  { name: 'fan-out', needs: ['etcd'], run: runFanOut },
  { name: 'idle-rss', needs: ['etcd'], run: runIdleRss },
  { name: 'fleet-footprint', needs: [], run: runFleetFootprint },
  { name: 'render', needs: [], run: runRender },
  { name: 'vault-rotation', needs: ['vault'], run: runVaultRotation },
  { name: 'fleet-dedup', needs: [], run: runFleetDedup },
];
