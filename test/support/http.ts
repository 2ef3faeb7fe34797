import { Agent, request as requestThrough, type Dispatcher } from '../../src/backends/http-client.js';

export { Agent };

type Options = Omit<Parameters<typeof requestThrough>[1], 'dispatcher'> & { readonly dispatcher?: Dispatcher };

let sharedAgent: Agent | undefined;

/**
 * undici's `request` for tests and benchmarks, through `options.dispatcher` or one shared Agent.
 * Loading the undici package's index costs ~150 ms of CPU in every test process that touches a
 * server; the product's own loader (src/backends/http-client.ts) takes the part it needs.
 */
export function request(url: string, options: Options = {}): Promise<Dispatcher.ResponseData<null>> {
  return requestThrough(url, { ...options, dispatcher: options.dispatcher ?? (sharedAgent ??= new Agent()) });
}
