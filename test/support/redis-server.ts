import { join } from 'node:path';
import { createClient } from 'redis';
import { freePort } from './ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from './server-process.js';

export interface RedisServerOptions {
  /** Sets `requirepass`. */
  readonly password?: string;
  /** More `--name value` arguments, e.g. ['--rename-command', 'CONFIG', ''] to refuse CONFIG. */
  readonly extraArgs?: readonly string[];
  /** The redis-server binary; `redis-server` on PATH by default. */
  readonly binary?: string;
}

/** A real redis-server on 127.0.0.1, in its own temp dir. */
export interface RedisServer {
  /** "127.0.0.1:<port>", the form the `nodes` option takes. */
  readonly address: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** SET of a normalised path as the key ("/app/port"). */
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Runs any command, e.g. `command('HSET', '/app/db', 'host', 'x')`. */
  command(...args: (string | Buffer)[]): Promise<unknown>;
  /** Saves the data set to the temp dir, then stops the server. */
  stop(): Promise<void>;
  /** Starts the server again on the same port; it loads the data saved by `stop`. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts redis-server on a free port without persistence of its own; rejects with its log tail if it fails. */
export function startRedis(options: Parameters<typeof startRedisOnce>[0] = {}): ReturnType<typeof startRedisOnce> {
  return retryOnPortClash(() => startRedisOnce(options));
}

async function startRedisOnce(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await makeTempDir('redis');
  const port = await freePort();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    ...(options.password ? ['--requirepass', options.password] : []),
    ...(options.extraArgs ?? []),
  ];
  const server = new ServerProcess(options.binary ?? 'redis-server', args, join(dir, 'redis.log'));

  type Client = ReturnType<typeof createClient>;
  let client: Promise<Client> | undefined;

  async function connect(): Promise<Client> {
    const connecting = createClient({
      socket: { host: '127.0.0.1', port, reconnectStrategy: false },
      disableClientInfo: true,
      ...(options.password ? { password: options.password } : {}),
    });
    connecting.on('error', () => {});
    await connecting.connect();
    return connecting;
  }

  /** The connection kept between commands; a new one once the server closed it (a restart, say). */
  async function connection(): Promise<Client> {
    const current = (client ??= connect());
    if ((await current.catch(() => undefined))?.isReady) return current;
    if (client === current) {
      dropClient();
      client = connect();
    }
    return client;
  }

  async function command(...commandArgs: (string | Buffer)[]): Promise<unknown> {
    const current = await connection();
    try {
      return await current.sendCommand(commandArgs);
    } catch (error) {
      if (!current.isReady && (await client?.catch(() => undefined)) === current) dropClient();
      throw error;
    }
  }

  function dropClient(): void {
    void client?.then((each) => each.destroy(), () => {});
    client = undefined;
  }

  const start = () => server.start(async () => (await command('PING')) === 'PONG');
  await start().catch(async (error: unknown) => {
    await removeTempDir(dir);
    throw error;
  });

  return {
    address: `127.0.0.1:${port}`,
    port,
    get pid() {
      return server.pid;
    },
    put: async (key, value) => void (await command('SET', key, value)),
    delete: async (key) => void (await command('DEL', key)),
    command,
    async stop() {
      if (server.pid !== undefined) await command('SAVE');
      dropClient();
      await server.stop();
    },
    start,
    async close() {
      dropClient();
      await server.stop();
      await removeTempDir(dir);
    },
  };
}
