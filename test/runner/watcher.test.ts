import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/backends/backend.js';
import { CtmplError } from '../../src/errors.js';
import { createRedisBackend } from '../../src/backends/redis.js';
import { exponentialBackoff, retryPolicyFor, type RetryPolicy } from '../../src/retry-policy.js';
import { createStats } from '../../src/runner/stats.js';
import { Watcher } from '../../src/runner/watcher.js';
import type { Dependency } from '../../src/types/dependency.js';
import { findBinary } from '../support/binaries.js';
import { waitFor } from '../support/cli.js';
import { FakeBackend } from '../support/fake-backend.js';
import { startRedis } from '../support/redis-server.js';
import { memoryLogger } from '../support/watch.js';

const redisBinary = findBinary('redis-server', 'redis-server', 'redis backend');

const appPort: Dependency = { type: 'kv.get', key: '/app/port' };
const appList: Dependency = { type: 'kv.list', prefix: '/app' };
const dbList: Dependency = { type: 'kv.list', prefix: '/db' };
const unsupported: Dependency = { type: 'catalog.datacenters' };

/** Zero-delay retries, giving up after `maxAttempts` failures in a row; `onRetry` runs before each retry. */
function zeroDelay(maxAttempts = Infinity, onRetry: (attempt: number) => void = () => {}): RetryPolicy {
  return {
    delay(attempt) {
      if (attempt >= maxAttempts) return null;
      onRetry(attempt);
      return 0;
    },
  };
}

function setUp(policy: RetryPolicy = zeroDelay()) {
  const backend = new FakeBackend();
  const logger = memoryLogger();
  const stats = createStats();
  const watcher = new Watcher({ backend, retry: policy, logger, stats });
  return { backend, logger, stats, watcher };
}

/** Resolves once `check` holds, re-checking after each turn of the event loop. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

type Mode = 'follow' | 'poll' | 'fetch';

/** Runs one mode until it delivered data (then stops it) or failed; returns the data it saw. */
async function runMode(mode: Mode, watcher: Watcher, dep: Dependency): Promise<unknown[]> {
  const controller = new AbortController();
  const seen: unknown[] = [];
  const onData = (snapshot: Snapshot) => {
    seen.push(snapshot.data);
    controller.abort();
  };
  if (mode === 'fetch') onData(await watcher.fetch(dep, controller.signal));
  else if (mode === 'follow') await watcher.follow(dep, controller.signal, onData);
  else await watcher.poll(dep, 1, controller.signal, onData);
  return seen;
}

const modes: readonly Mode[] = ['follow', 'poll', 'fetch'];

describe('Watcher, the same in every mode', () => {
  for (const mode of modes) {
    it(`${mode}: gives up after -retry-max failed attempts in a row, naming the dependency and the address`, async () => {
      const { backend, watcher } = setUp(zeroDelay(3));
      backend.setState('down');
      await assert.rejects(runMode(mode, watcher, appPort), (error: CtmplError) => {
        assert.equal(error.code, 'BACKEND');
        assert.match(error.message, /^kv\.get\(\/app\/port\): giving up after -retry-max attempts \(3 failed\): fake 127\.0\.0\.1:9: connection refused$/);
        return true;
      });
      assert.equal(backend.snapshots, 3);
    });

    it(`${mode}: retries through an outage and delivers the data once the backend answers`, async () => {
      const { backend, watcher } = setUp(zeroDelay(Infinity, (attempt) => attempt === 2 && backend.setState('up')));
      backend.set(appPort, '8080');
      backend.setState('down');
      assert.deepEqual(await runMode(mode, watcher, appPort), ['8080']);
      assert.equal(backend.snapshots, 3);
    });
  }

  const logged = [
    { mode: 'follow', lines: ['error kv.get(/app/port): fake 127.0.0.1:9: connection refused (retrying; keeping the last good data)', 'debug kv.get(/app/port): attempt 2 failed: fake 127.0.0.1:9: connection refused', 'info kv.get(/app/port): backend reachable again'] },
    { mode: 'poll', lines: ['error kv.get(/app/port): fake 127.0.0.1:9: connection refused (retrying; keeping the last good data)', 'debug kv.get(/app/port): attempt 2 failed: fake 127.0.0.1:9: connection refused', 'info kv.get(/app/port): backend reachable again'] },
  ] as const;
  for (const { mode, lines } of logged) {
    it(`${mode}: logs an outage once, counts it once, and logs the recovery`, async () => {
      const { backend, logger, stats, watcher } = setUp(zeroDelay(Infinity, (attempt) => attempt === 2 && backend.setState('up')));
      backend.setState('down');
      await runMode(mode, watcher, appPort);
      assert.deepEqual(logger.lines, lines);
      assert.equal(stats.backendErrors, 1);
    });
  }

  it('follow and poll log an unsupported dependency and end; fetch rejects it as a template error', async () => {
    const { backend, logger, watcher } = setUp();
    await watcher.follow(unsupported, new AbortController().signal, () => assert.fail('no data expected'));
    await watcher.poll(unsupported, 1, new AbortController().signal, () => assert.fail('no data expected'));
    await assert.rejects(watcher.fetch(unsupported, new AbortController().signal), { code: 'TEMPLATE_EXEC' });
    assert.deepEqual(logger.lines, Array(2).fill('error catalog.datacenters() is not supported by the fake 127.0.0.1:9 backend'));
    assert.equal(backend.snapshots, 0);
  });
});

describe('Watcher.follow', () => {
  it('delivers the first snapshot and then every change', async () => {
    const { backend, watcher } = setUp();
    backend.set(appList, 'v1');
    const controller = new AbortController();
    const seen: unknown[] = [];
    const following = watcher.follow(appList, controller.signal, (snapshot) => {
      seen.push(snapshot.data);
      if (snapshot.data === 'v1') backend.set(appList, 'v2');
      if (snapshot.data === 'v2') backend.set(appList, 'v3');
      if (snapshot.data === 'v3') controller.abort();
    });
    await following;
    assert.deepEqual(seen, ['v1', 'v2', 'v3']);
    assert.equal(backend.snapshots, 1);
  });

  it('starts the backoff again from the first attempt after each recovery', async () => {
    const attempts: number[] = [];
    const { backend, watcher } = setUp(zeroDelay(Infinity, (attempt) => {
      attempts.push(attempt);
      if (attempt === 2) backend.setState('up');
    }));
    backend.setState('down');
    const controller = new AbortController();
    const seen: unknown[] = [];
    await watcher.follow(appPort, controller.signal, (snapshot) => {
      seen.push(snapshot.data);
      if (seen.length === 1) backend.setState('down');
      else controller.abort();
    });
    assert.deepEqual(attempts, [1, 2, 1, 2]);
  });

  it('wakes every dependency still backing off as soon as one of them recovers', { timeout: 10_000 }, async () => {
    let isThirdFailing = false;
    const hour = 3_600_000;
    // Two dependencies back off for an hour; the third one's first failure is retried at once, after the server came back.
    const { backend, logger, watcher } = setUp({
      delay() {
        if (!isThirdFailing) return hour;
        backend.setState('up');
        return 0;
      },
    });
    backend.setState('down');
    const controller = new AbortController();
    const seen = new Set<string>();
    const onData = (name: string) => () => seen.add(name);
    const following = [watcher.follow(appList, controller.signal, onData('app')), watcher.follow(dbList, controller.signal, onData('db'))];
    await until(() => logger.lines.filter((line) => line.startsWith('error')).length === 2, 'both dependencies failed once');
    isThirdFailing = true;
    following.push(watcher.follow(appPort, controller.signal, onData('port')));
    await until(() => seen.size === 3, 'the sleeping dependencies delivered data without sleeping out their hour');
    controller.abort();
    await Promise.all(following);
  });
});

describe('Watcher.poll', () => {
  it('re-reads the dependency every interval and delivers each read', async () => {
    const { backend, watcher } = setUp();
    const controller = new AbortController();
    const seen: unknown[] = [];
    backend.set(appPort, 'a');
    await watcher.poll(appPort, 1, controller.signal, (snapshot) => {
      seen.push(snapshot.data);
      if (seen.length === 2) backend.set(appPort, 'b');
      if (seen.length === 3) controller.abort();
    });
    assert.deepEqual(seen, ['a', 'a', 'b']);
    assert.equal(backend.snapshots, 3);
  });
});

describe('Watcher.fetch', () => {
  it('given the cursor of a read already made, waits for the next different snapshot', async () => {
    const { backend, watcher } = setUp();
    backend.set(appPort, 'old');
    const deadline = new AbortController().signal;
    const first = await watcher.fetch(appPort, deadline);
    const next = watcher.fetch(appPort, deadline, first.cursor);
    await until(() => backend.snapshots === 2, 'the second read');
    backend.set(appPort, 'new');
    assert.equal((await next).data, 'new');
  });

  const deadlines = [
    { name: 'names a silent backend with its address and how long it gave no answer', state: 'silent', code: 'BACKEND', message: /^fake 127\.0\.0\.1:9: no answer in \d+(\.\d)?s \(reading kv\.get\(\/app\/port\)\)$/ },
    { name: 'carries the last backend error of a refusing backend', state: 'down', code: 'BACKEND', message: /^fake 127\.0\.0\.1:9: connection refused$/ },
  ] as const;
  for (const { name, state, code, message } of deadlines) {
    it(`at the lookup deadline, ${name}`, async () => {
      const { backend, watcher } = setUp();
      backend.setState(state);
      const deadline = new AbortController();
      const fetching = watcher.fetch(appPort, deadline.signal);
      await until(() => backend.snapshots >= 2 || (state === 'silent' && backend.snapshots === 1), 'a read was tried');
      deadline.abort(new DOMException('lookup timeout', 'TimeoutError'));
      await assert.rejects(fetching, (error: CtmplError) => {
        assert.equal(error.code, code);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('exponentialBackoff', () => {
  it('never waits longer than its cap, however long the outage', () => {
    const policy = exponentialBackoff({ baseMs: 250, maxMs: 5_000, maxAttempts: Infinity });
    const delays = Array.from({ length: 60 }, (_, index) => policy.delay(index + 1)!);
    assert.ok(delays.every((delay) => delay >= 125 && delay <= 5_000), `delays: ${delays.join(', ')}`);
    assert.ok(delays.slice(10).every((delay) => delay >= 2_500), 'long outages wait between half the cap and the cap');
  });

  it('gives up after maxAttempts failures in a row and never before', () => {
    const policy = exponentialBackoff({ baseMs: 1, maxMs: 1, maxAttempts: 3 });
    assert.deepEqual([1, 2, 3, 4].map((attempt) => policy.delay(attempt) === null), [false, false, true, true]);
  });
});

describe('Watcher on a real redis killed and restarted', { skip: redisBinary.skip }, () => {
  it('keeps every backoff under the cap through a long outage and delivers the data soon after the restart', { timeout: 120_000 }, async () => {
    const server = await startRedis();
    const backend = createRedisBackend({ nodes: [server.address], commandTimeoutMs: 2_000 });
    const delays: number[] = [];
    const policy = retryPolicyFor(Infinity);
    const recording: RetryPolicy = {
      delay(attempt) {
        const delay = policy.delay(attempt)!;
        delays.push(delay);
        return delay;
      },
    };
    const watcher = new Watcher({ backend, retry: recording, logger: memoryLogger() });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const following = watcher.follow(appPort, controller.signal, (snapshot) => seen.push(snapshot.data));
    try {
      await server.put('/app/port', '1');
      await until(() => seen.includes('1'), 'the first value');
      await server.stop();
      // Long enough for an uncapped backoff to pass the cap: eight failed attempts in a row.
      await waitFor(() => delays.length >= 8, 'eight failed attempts', 90_000);
      await server.start();
      const restartedAt = Date.now();
      await server.put('/app/port', '2');
      await waitFor(() => seen.includes('2'), 'the value written after the restart', 60_000);
      const lag = Date.now() - restartedAt;
      // At most 5 s between attempts: the server is back in use within seconds of its restart.
      assert.ok(delays.every((delay) => delay <= 5_000), `delays: ${delays.map(Math.round).join(', ')}`);
      assert.ok(lag <= 8_000, `data arrived ${lag} ms after the restart`);
    } finally {
      controller.abort();
      await following;
      await backend.close();
      await server.close();
    }
  });
});
