import { createRequire } from 'node:module';
import { goFunc, type FuncMap } from '../../go/values.js';
import type { Host } from './host.js';

export type { Host, IfAddr, NetInterface } from './host.js';

const require = createRequire(import.meta.url);
type Evaluator = typeof import('./evaluate.js');
let evaluator: Evaluator | undefined;
/** go-sockaddr's language (RFC tables, interface reading), loaded by the first `sockaddr` call, not by every run. */
const load = () => (evaluator ??= require('./evaluate.js') as Evaluator);

/**
 * consul-template's `sockaddr "GetPrivateIP"`: go-sockaddr's template language over this
 * machine's interfaces (or `host`, for tests).
 */
export function sockaddrFuncs(host?: Host): FuncMap {
  return {
    sockaddr: goFunc([], (...args: string[]) => {
      const module = load();
      return module.evaluateSockaddr(args, host ?? module.localHost);
    }, 'string'),
  };
}
