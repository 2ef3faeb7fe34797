import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { CtmplError, isAbortError, messageOf } from '../../errors.js';
import { parseJsonKeepingNumbers, type JsonValue } from '../../json-number.js';
import { withTimeout } from '../deadline.js';

/** TLS for the Vault API, as consul-template's `-vault-ssl-*` flags and VAULT_* variables set it. */
export interface VaultTlsOptions {
  readonly caFile?: string;
  /** A directory of PEM CA certificates (consul-template's ca_path). */
  readonly caPath?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly verify: boolean;
}

export interface VaultClientOptions {
  /** "http://127.0.0.1:8200"; a bare host:port gets https, as the Vault CLI assumes. */
  readonly address: string;
  readonly token?: string;
  readonly tls?: VaultTlsOptions;
  readonly requestTimeoutMs?: number;
}

/** One Vault answer: its status and JSON body (undefined when empty, e.g. 204). */
export interface VaultAnswer {
  readonly status: number;
  readonly body: JsonValue | undefined;
}

export interface VaultRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'LIST' | 'DELETE';
  /** API path without /v1/, e.g. "kv/app"; may end in "?query". */
  readonly path: string;
  readonly body?: string;
  readonly signal: AbortSignal;
  /** Statuses that are answers rather than failures (404 for reads of absent secrets). */
  readonly accept?: readonly number[];
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Vault's HTTP API over undici with its own Agent. The token goes only in the X-Vault-Token
 * header: no message, error or log line built here ever contains it.
 */
export class VaultClient {
  readonly address: string;
  #token: string;
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(options: VaultClientOptions) {
    this.address = normalizeAddress(options.address, options.tls !== undefined);
    this.#token = options.token ?? '';
    this.#agent = new Agent({ connect: tlsConnectOptions(options.tls) });
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  get hasToken(): boolean {
    return this.#token !== '';
  }

  setToken(token: string): void {
    this.#token = token;
  }

  /**
   * Sends one request. Rejects with CtmplError('BACKEND') naming method and URL (never the
   * token) on a connection failure, a timeout, or a status that is not 2xx nor accepted.
   */
  async send(req: VaultRequest): Promise<VaultAnswer> {
    const url = `${this.address}/v1/${req.path.replace(/^\/+/, '')}`;
    const subject = `${req.method} ${url}`;
    try {
      return await withTimeout((deadline) => this.#send(url, subject, req, deadline.signal), {
        ms: this.#timeoutMs,
        signal: req.signal,
        error: () => new CtmplError('BACKEND', `${subject}: no answer within ${this.#timeoutMs / 1000}s`),
      });
    } catch (error) {
      if (error instanceof CtmplError || isAbortError(error) || req.signal.aborted) throw error;
      throw new CtmplError('BACKEND', `${subject}: ${messageOf(error)}`, { cause: error });
    }
  }

  async #send(url: string, subject: string, req: VaultRequest, signal: AbortSignal): Promise<VaultAnswer> {
    const headers: Record<string, string> = {};
    if (this.#token) headers['x-vault-token'] = this.#token;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    const response = await request(url, {
      method: req.method,
      headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      dispatcher: this.#agent,
      signal,
    });
    const text = await response.body.text();
    const body = parseBody(text, subject);
    const status = response.statusCode;
    if ((status >= 200 && status < 300) || req.accept?.includes(status)) return { status, body };
    throw new CtmplError('BACKEND', `${subject}: ${status} ${errorsOf(body) || 'error'}`);
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function parseBody(text: string, subject: string): JsonValue | undefined {
  if (text.trim() === '') return undefined;
  try {
    return parseJsonKeepingNumbers(text);
  } catch {
    throw new CtmplError('BACKEND', `${subject}: the answer is not JSON: ${text.slice(0, 120)}`);
  }
}

/** Vault's `{"errors": [...]}`, joined. */
function errorsOf(body: JsonValue | undefined): string {
  const errors = body instanceof Map ? body.get('errors') : undefined;
  return Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string').join('; ') : '';
}

/** "127.0.0.1:8200" → "https://127.0.0.1:8200" (http when no TLS was set up); no trailing slash. */
export function normalizeAddress(address: string, isTls: boolean): string {
  const trimmed = address.trim().replace(/\/+$/, '');
  return /^https?:\/\//.test(trimmed) ? trimmed : `${isTls ? 'https' : 'http'}://${trimmed}`;
}

function tlsConnectOptions(tls: VaultTlsOptions | undefined) {
  if (!tls) return {};
  const read = (file: string | undefined) => {
    try {
      return file ? readFileSync(file) : undefined;
    } catch (error) {
      throw new CtmplError('BACKEND', `vault: tls: ${messageOf(error)}`, { cause: error });
    }
  };
  const fromPath = tls.caPath ? readdirSync(tls.caPath).filter((name) => /\.(pem|crt)$/.test(name)).map((name) => read(join(tls.caPath!, name))!) : [];
  const ca = [read(tls.caFile), ...fromPath].flatMap((pem) => (pem === undefined ? [] : [pem.toString('utf8')]));
  return {
    ca: ca.length > 0 ? ca : undefined,
    cert: read(tls.certFile),
    key: read(tls.keyFile),
    servername: tls.serverName,
    rejectUnauthorized: tls.verify,
  };
}
