import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { ConsulState } from './state.js';
import { routeFor, text, type Answer, type Route } from './routes.js';

/** Ways to make the simulator misbehave, switched on and off by tests at any time. */
export interface ConsulFaults {
  /** Report indexes far below the real ones (as after a raft reset); they grow again with writes. */
  indexGoesBackwards: boolean;
  /** Report X-Consul-Index: 0 on every answer. */
  indexZero: boolean;
  /** Answer every request with 500. */
  status500: boolean;
  /** Destroy the socket of every request without answering. */
  dropConnections: boolean;
  /** Delay every answer by this many ms. */
  slowMs: number;
  /** Enforce ACLs: the management token is required. */
  tokenRequired: boolean;
  /** A `?stale` read says it comes from a follower this many ms behind the leader (X-Consul-Lastcontact). */
  staleLagMs: number;
}

export interface ServerSettings {
  readonly state: ConsulState;
  readonly faults: ConsulFaults;
  readonly token: string;
  /** Serve https with this certificate and key (PEM files) instead of http. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Answer 401 to every request without these Basic credentials, as a proxy in front of Consul would. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

const MAX_WAIT_MS = 10 * 60_000;
const DEFAULT_WAIT_MS = 5 * 60_000;

/** The HTTP side of the simulator: faults, ACLs, blocking queries and headers around the routes. */
export class SimulatorServer {
  readonly #settings: ServerSettings;
  readonly #pending = new Set<() => void>();
  /** Every request line received ("GET /v1/kv/app?stale"), in order, for tests that count reads. */
  readonly requests: string[] = [];
  #server: Server | null = null;
  #backwardsBase: number | null = null;

  constructor(settings: ServerSettings) {
    this.#settings = settings;
  }

  listen(port: number): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res).catch(() => res.destroy());
    const { tls } = this.#settings;
    const server: Server = tls
      ? createTlsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
      : createServer(handler);
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const cancel of [...this.#pending]) cancel();
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests.push(`${req.method} ${req.url}`);
    const body = await readBody(req);
    if (!this.#isAuthorized(req)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="consul"');
      return this.#send(res, text(401, 'Unauthorized'), null);
    }
    const { faults, state } = this.#settings;
    if (faults.dropConnections) return void req.socket.destroy();
    if (faults.slowMs > 0) await delay(faults.slowMs);
    if (faults.status500) return this.#send(res, text(500, 'rpc error: simulated failure'), null);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const route = routeFor(state, { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
    if (!route) return this.#send(res, text(404, '404 page not found\n'), null);
    const dc = url.searchParams.get('dc');
    if (dc && dc !== state.node.datacenter) return this.#send(res, text(500, 'No path to datacenter'), null);
    const denied = this.#aclDenial(route, req, url);
    if (denied && denied !== 'filter') return this.#send(res, denied, null);
    const answer = await this.#answer(route, url.searchParams, res);
    if (!answer) return;
    this.#send(res, denied === 'filter' ? filterEverything(answer, route.acl === 'kv') : answer, route, url.searchParams.has('stale') ? faults.staleLagMs : 0);
  }

  #isAuthorized(req: IncomingMessage): boolean {
    const { basicAuth } = this.#settings;
    if (!basicAuth) return true;
    const expected = `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  /** The 403 of a request the ACLs deny, 'filter' for a list the anonymous token may read but sees empty. */
  #aclDenial(route: Route, req: IncomingMessage, url: URL): Answer | 'filter' | null {
    if (!this.#settings.faults.tokenRequired || route.acl === 'none') return null;
    const given = req.headers['x-consul-token'] ?? url.searchParams.get('token') ?? '';
    if (given === this.#settings.token) return null;
    // As a real agent under default deny: anonymous list reads are filtered, not refused.
    const isList = (route.acl === 'kv' && req.method === 'GET' && url.searchParams.has('recurse')) || url.pathname.startsWith('/v1/health/service/');
    if (given === '' && isList) return 'filter';
    const message = given === '' ? 'Permission denied' : 'ACL not found';
    // Catalog and health 403s go through the blocking-query path and so carry index headers.
    return text(403, message, route.acl === 'catalog' ? 1 : undefined);
  }

  /** Runs a read, blocking while the data's index is not above ?index= (null: the client left). */
  #answer(route: Route, query: URLSearchParams, res: ServerResponse): Promise<Answer | null> {
    const first = route.run();
    const minIndex = Number(query.get('index') ?? 0);
    if (!route.blocking || !(minIndex > 0) || this.#report(first.index) > minIndex) return Promise.resolve(first);
    const startIndex = this.#report(first.index);
    return new Promise((resolve) => {
      const finish = (answer: Answer | null) => {
        clearTimeout(timer);
        unsubscribe();
        this.#pending.delete(cancel);
        res.off('close', cancel);
        resolve(answer);
      };
      const cancel = () => finish(null);
      const unsubscribe = this.#settings.state.onChange(() => {
        const answer = route.run();
        if (this.#report(answer.index) !== startIndex) finish(answer);
      });
      const timer = setTimeout(() => finish(route.run()), parseWait(query.get('wait')));
      this.#pending.add(cancel);
      res.once('close', cancel);
    });
  }

  #report(index: number | undefined): number {
    if (index === undefined) return 0;
    const { faults, state } = this.#settings;
    if (faults.indexZero) return 0;
    if (!faults.indexGoesBackwards) {
      this.#backwardsBase = null;
      return index;
    }
    this.#backwardsBase ??= state.currentIndex - 1;
    return Math.max(1, index - this.#backwardsBase);
  }

  #send(res: ServerResponse, answer: Answer, route: Route | null, lastContactMs = 0): void {
    if (answer.contentType && answer.status === 200) res.setHeader('Content-Type', answer.contentType);
    res.setHeader('Vary', 'Accept-Encoding');
    if (answer.index !== undefined) this.#setIndexHeaders(res, answer, route, lastContactMs);
    res.setHeader('Content-Length', Buffer.byteLength(answer.body));
    if (answer.contentType && answer.status !== 200) res.setHeader('Content-Type', answer.contentType);
    res.writeHead(answer.status);
    res.end(answer.body);
  }

  #setIndexHeaders(res: ServerResponse, answer: Answer, route: Route | null, lastContactMs: number): void {
    const denied = answer.status === 403;
    if (route?.consistency && !denied) res.setHeader('X-Consul-Effective-Consistency', 'leader');
    res.setHeader('X-Consul-Index', String(denied ? answer.index : this.#report(answer.index)));
    res.setHeader('X-Consul-Knownleader', denied ? 'false' : 'true');
    res.setHeader('X-Consul-Lastcontact', String(lastContactMs));
  }
}

/** A list answer with every entry filtered out: KV answers 404, health an empty array. */
function filterEverything(answer: Answer, isKv: boolean): Answer {
  return isKv ? { ...answer, status: 404, body: '', contentType: null } : { ...answer, body: '[]\n' };
}

/** Parses a Go duration as Consul's ?wait= takes it ("5s", "100ms", "1m"). */
export function parseWait(wait: string | null): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(wait ?? '');
  if (!match) return DEFAULT_WAIT_MS;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.min(MAX_WAIT_MS, Number(match[1]) * unit);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
