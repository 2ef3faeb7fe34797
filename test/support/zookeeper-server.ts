import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { OpCode, ReplyCode, ZkConnection, ZkReplyError, parseNode } from '../../src/backends/zookeeper/connection.js';
import { JuteWriter } from '../../src/backends/zookeeper/jute.js';
import { getChildren, getData } from '../../src/backends/zookeeper/read.js';
import { findBinary } from './binaries.js';
import { freePort } from './ports.js';
import { ServerProcess, makeTempDir, removeTempDir, retryOnPortClash } from './server-process.js';

/**
 * Debian's zookeeper 3.8 (packages zookeeper / libzookeeper-java). zookeeper.jar's manifest
 * names its own dependencies (netty, jute, slf4j-api, …); slf4j-simple gives the server a log.
 */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
export const ZOOKEEPER_CLASSPATH = `${ZOOKEEPER_JAR}:/usr/share/java/slf4j-simple.jar`;
const MAIN_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
/** Short ticks let tests use short sessions (the server's minimum is two ticks). */
const TICK_MS = 200;

/**
 * Finds java and the ZooKeeper jar. Outside CI a missing one skips the suite loudly; under
 * CI=true it fails the run. Returns a skip reason for `describe(name, { skip })`, or nothing.
 */
export function findZookeeper(suite: string): { skip?: string } {
  const java = findBinary('java', 'zookeeper', suite);
  if (java.skip) return java;
  if (existsSync(ZOOKEEPER_JAR)) return {};
  const reason = `${suite}: ${ZOOKEEPER_JAR} not found; install it with: apt-get install -y zookeeper`;
  if (process.env.CI === 'true') throw new Error(`${reason} (required under CI)`);
  process.stderr.write(`SKIPPING ${reason}\n`);
  return { skip: reason };
}

/** A real standalone ZooKeeper on 127.0.0.1, in its own temp dir. */
export interface ZookeeperServer {
  /** "127.0.0.1:PORT", as `-node` takes it. */
  readonly address: string;
  /** PID of the running server, undefined while stopped. */
  readonly pid: number | undefined;
  /** Sets `key` to `value` (null: no data), creating missing parents with empty data, as confd's integration feeder does. */
  put(key: string, value: string | null): Promise<void>;
  /**
   * Writes a JSON tree as confd's integration/zookeeper/main.go does: each object key a node under
   * `prefix`, objects as nodes with empty data and children, strings as data.
   */
  putJsonTree(prefix: string, tree: unknown): Promise<void>;
  /** Deletes `key` and everything below it; a missing key is no error. */
  delete(key: string): Promise<void>;
  /**
   * Deletes `key` and then each parent left without children and data, so the key leaves
   * confd's flat key space without its parent turning into an empty key.
   */
  deleteKey(key: string): Promise<void>;
  /** Sends SIGSTOP (freeze) or SIGCONT (thaw) to the server. */
  signal(name: 'SIGSTOP' | 'SIGCONT'): void;
  stop(): Promise<void>;
  /** Starts the server again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server and removes its temp dir. */
  close(): Promise<void>;
}

/** Starts ZooKeeper on a free port and waits until it answers `ruok`; rejects with its log tail if it fails. */
export function startZookeeper(): Promise<ZookeeperServer> {
  return retryOnPortClash(startZookeeperOnce);
}

async function startZookeeperOnce(): Promise<ZookeeperServer> {
  const dir = await makeTempDir('zookeeper');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const config = [
    `tickTime=${TICK_MS}`,
    `dataDir=${join(dir, 'data')}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok',
    `minSessionTimeout=${2 * TICK_MS}`,
  ].join('\n');
  await writeFile(join(dir, 'zoo.cfg'), `${config}\n`);
  // A small heap and the client compiler: the JVM starts faster and the tests need no throughput.
  const args = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', ZOOKEEPER_CLASSPATH, MAIN_CLASS, join(dir, 'zoo.cfg')];
  const server = new ServerProcess('java', args, join(dir, 'zookeeper.log'));
  let client: ZkConnection | undefined;

  async function connection(): Promise<ZkConnection> {
    if (client?.isOpen) return client;
    client = await ZkConnection.open(parseNode(address), { sessionTimeoutMs: 10_000, connectTimeoutMs: 5_000 });
    return client;
  }

  // `ruok` answers before the server takes sessions: ready means a session opens too.
  const isReady = async () => (await answersRuok(port)) && (await connection()).isOpen;

  async function start(): Promise<void> {
    await server.start(isReady, 60_000);
  }

  async function stop(): Promise<void> {
    await client?.close();
    client = undefined;
    await server.stop();
  }

  await start().catch(async (error: unknown) => {
    await server.stop();
    await removeTempDir(dir);
    throw error;
  });

  return {
    address,
    get pid() {
      return server.pid;
    },
    put: async (key, value) => putNode(await connection(), key, value),
    putJsonTree: async (prefix, tree) => putJsonTree(await connection(), prefix, tree),
    delete: async (key) => deleteTree(await connection(), key),
    deleteKey: async (key) => deleteKeyAndEmptyParents(await connection(), key),
    signal(name) {
      if (server.pid !== undefined) process.kill(server.pid, name);
    },
    stop,
    start,
    async close() {
      await stop();
      await removeTempDir(dir);
    },
  };
}

/** True when the server answers the four-letter word `ruok` with `imok`. */
function answersRuok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('connect', () => socket.end('ruok'));
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(answer === 'imok'));
  });
}

/** One setData round trip for a node that exists; parents and the node created otherwise. */
async function putNode(connection: ZkConnection, key: string, value: string | null): Promise<void> {
  try {
    await connection.call(OpCode.setData, new JuteWriter().string(key).buffer(dataOf(value)).int(-1).bytes());
    return;
  } catch (error) {
    if (!(error instanceof ZkReplyError && error.replyCode === ReplyCode.noNode)) throw error;
  }
  const parts = key.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) await createNode(connection, `/${parts.slice(0, i).join('/')}`, '');
  if (!(await createNode(connection, key, value))) await putNode(connection, key, value);
}

async function putJsonTree(connection: ZkConnection, prefix: string, tree: unknown): Promise<void> {
  if (typeof tree === 'string') return putNode(connection, prefix, tree);
  if (tree === null || typeof tree !== 'object') throw new Error(`putJsonTree: unhandled ${typeof tree} at ${prefix}`);
  for (const [key, value] of Object.entries(tree)) {
    if (prefix !== '') await putNode(connection, prefix, '');
    await putJsonTree(connection, `${prefix}/${key}`, value);
  }
}

const dataOf = (value: string | null) => (value === null ? null : Buffer.from(value));

/** Creates a persistent node open to anyone; false when it already existed. */
async function createNode(connection: ZkConnection, path: string, value: string | null): Promise<boolean> {
  const worldAll = new JuteWriter().int(1).int(31).string('world').string('anyone').bytes();
  const body = Buffer.concat([new JuteWriter().string(path).buffer(dataOf(value)).bytes(), worldAll, new JuteWriter().int(0).bytes()]);
  try {
    await connection.call(OpCode.create, body);
    return true;
  } catch (error) {
    if (error instanceof ZkReplyError && error.replyCode === ReplyCode.nodeExists) return false;
    throw error;
  }
}

async function deleteKeyAndEmptyParents(connection: ZkConnection, key: string): Promise<void> {
  await deleteTree(connection, key);
  for (let parent = dirname(key); parent !== '/'; parent = dirname(parent)) {
    const listing = await getChildren(connection, parent);
    if (!listing || listing.children.length > 0 || (await getData(connection, parent)) !== '') return;
    await deleteTree(connection, parent);
  }
}

async function deleteTree(connection: ZkConnection, path: string): Promise<void> {
  const listing = await getChildren(connection, path);
  if (!listing) return;
  for (const child of listing.children) await deleteTree(connection, `${path}/${child}`);
  try {
    await connection.call(OpCode.delete, new JuteWriter().string(path).int(-1).bytes());
  } catch (error) {
    if (!(error instanceof ZkReplyError && error.replyCode === ReplyCode.noNode)) throw error;
  }
}
