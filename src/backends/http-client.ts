import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher, request as undiciRequest } from 'undici';

// The undici package's index loads the whole library, fetch, WebSocket and Node's own web streams
// included (111 modules, 100–250 ms of start-up here); the backends need its Agent and `request`
// only, which are 26 modules. Same classes, same behaviour, loaded from their own files.
const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
export type Agent = UndiciAgent;
export type { Dispatcher };

type RequestOptions = NonNullable<Parameters<typeof undiciRequest>[1]> & { readonly dispatcher: Dispatcher };
type ApiRequest = (this: Dispatcher, options: object) => Promise<Dispatcher.ResponseData<null>>;

const apiRequest = require('undici/lib/api/api-request.js') as ApiRequest;

/** undici's `request(url, options)` through `options.dispatcher` (required: there is no global one here). */
export function request(url: string, options: RequestOptions): Promise<Dispatcher.ResponseData<null>> {
  const { origin, pathname, search } = new URL(url);
  const method = options.method ?? (options.body ? 'PUT' : 'GET');
  return apiRequest.call(options.dispatcher, { ...options, origin, path: search ? `${pathname}${search}` : pathname, method });
}
