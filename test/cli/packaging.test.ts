import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from '../support/http.js';
import { parseFlags } from '../../src/config/flags.js';
import { findBinary } from '../support/binaries.js';
import { cliPath, makeTempDir, readIfExists, startCli, startInProcess, waitFor } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { repoRoot } from '../support/repo-root.js';

const unitPath = join(repoRoot, 'examples/systemd/ctmpl.service');
const dockerfilePath = join(repoRoot, 'examples/docker/Dockerfile');

/** A unit file's `Key=value` lines by section (repeated keys keep the last value). */
function parseUnit(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) sections[(current = header[1]!)] ??= {};
    else {
      const at = line.indexOf('=');
      sections[current]![line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return sections;
}

/** Splits a unit's command line the way systemd does for plain words and double quotes. */
function splitCommand(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('the systemd unit', () => {
  it('is Type=notify with NotifyAccess=all, reloads with SIGHUP and starts ctmpl with flags it accepts', async () => {
    const unit = parseUnit(await readFile(unitPath, 'utf8'));
    assert.equal(unit.Service?.Type, 'notify');
    assert.equal(unit.Service?.NotifyAccess, 'all');
    assert.equal(unit.Service?.ExecReload, '/bin/kill -HUP $MAINPID');
    const [binary, ...args] = splitCommand(unit.Service!.ExecStart!);
    assert.match(binary!, /\/ctmpl$/);
    assert.doesNotThrow(() => parseFlags(args));
    assert.equal(unit.Install?.WantedBy, 'multi-user.target');
  });

  const analyze = findBinary('systemd-analyze', 'systemd', 'systemd unit verification');
  it('passes systemd-analyze verify with ctmpl at its ExecStart path', { skip: analyze.skip }, async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const text = (await readFile(unitPath, 'utf8')).replace('/usr/local/bin/ctmpl', `${process.execPath} ${cliPath}`);
      await writeFile(join(dir, 'ctmpl.service'), text);
      const { stderr } = await promisify(execFile)(analyze.path!, ['verify', join(dir, 'ctmpl.service')]);
      assert.doesNotMatch(stderr, /ctmpl\.service/);
    } finally {
      await cleanup();
    }
  });
});

const python = findBinary('python3', 'python3', 'sd_notify readiness');
const notify = python.skip ? python : findBinary('systemd-notify', 'systemd', 'sd_notify readiness');

describe('readiness for systemd (NOTIFY_SOCKET)', { skip: notify.skip }, () => {
  it('sends READY=1 with ctmpl as MAINPID once the first render is written', async () => {
    const { dir, cleanup } = await makeTempDir();
    const socket = join(dir, 'notify.sock');
    // Node has no unix datagram sockets: a two-line Python listener plays systemd.
    const listener = spawn(python.path!, ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint(s.recv(4096).decode(), flush=True)`, socket]);
    let received = '';
    listener.stdout.on('data', (chunk) => (received += chunk));
    const controller = new AbortController();
    try {
      await waitFor(() => existsSync(socket), 'the notify socket');
      await writeFile(join(dir, 'in.ctmpl'), 'v={{ key "v" }}\n');
      await writeFile(join(dir, 'data.yaml'), 'v: "1"\n');
      const cli = startInProcess(['-template', 'in.ctmpl:out.conf', '-backend', 'file', '-file', 'data.yaml'], {
        cwd: dir, env: { PATH: process.env.PATH, NOTIFY_SOCKET: socket }, signal: controller.signal,
      });
      await waitFor(() => received.includes('READY=1'), 'READY=1');
      assert.match(received, new RegExp(`MAINPID=${process.pid}`));
      assert.equal(await readIfExists(join(dir, 'out.conf')), 'v=1\n');
      controller.abort();
      assert.equal((await cli.result).code, 0);
    } finally {
      listener.kill();
      await cleanup();
    }
  });
});

describe('-pid-file', () => {
  it('holds the process id while the daemon runs and is removed when it stops', async () => {
    const { dir, cleanup } = await makeTempDir();
    const controller = new AbortController();
    try {
      await writeFile(join(dir, 'in.ctmpl'), 'v={{ key "v" }}\n');
      await writeFile(join(dir, 'data.yaml'), 'v: "1"\n');
      const pidFile = join(dir, 'ctmpl.pid');
      const cli = startInProcess(['-template', 'in.ctmpl:out.conf', '-backend', 'file', '-file', 'data.yaml', '-pid-file', pidFile], { cwd: dir, signal: controller.signal });
      await waitFor(async () => (await readIfExists(join(dir, 'out.conf'))) === 'v=1\n', 'the first render');
      assert.equal(await readIfExists(pidFile), `${process.pid}\n`);
      controller.abort();
      assert.equal((await cli.result).code, 0);
      assert.equal(await readIfExists(pidFile), undefined);
    } finally {
      await cleanup();
    }
  });
});

/** The Dockerfile's final stage: WORKDIR, the COPY lines into it, ENTRYPOINT and CMD. */
function parseDockerfile(text: string) {
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  const instruction = (name: string) => [...finalStage.matchAll(new RegExp(`^${name} (.+)$`, 'gm'))].map((m) => m[1]!);
  const copies = instruction('COPY').filter((line) => !line.startsWith('--from')).map((line) => line.split(/\s+/) as [string, string]);
  return {
    workdir: instruction('WORKDIR').at(-1)!,
    copies,
    entrypoint: JSON.parse(instruction('ENTRYPOINT').at(-1)!) as string[],
    cmd: JSON.parse(instruction('CMD').at(-1)!) as string[],
  };
}

const nginx = findBinary('nginx', 'nginx', 'the container example');

describe('the container example (examples/docker/Dockerfile)', { skip: nginx.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const servers: Server[] = [];
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(async () => {
    for (const server of servers) server.close();
    await cleanup();
  });

  async function backend(answer: string): Promise<number> {
    const port = await freePort();
    const server = createServer((_req, res) => res.end(answer));
    servers.push(server);
    await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
    return port;
  }

  it('runs its ENTRYPOINT and CMD as-is: nginx starts on the rendered config, follows a change, and stops with ctmpl', async () => {
    const docker = parseDockerfile(await readFile(dockerfilePath, 'utf8'));
    assert.deepEqual(docker.entrypoint, ['ctmpl']);
    for (const [from, to] of docker.copies) await cp(join(repoRoot, from), join(dir, to), { recursive: true });
    const [listen, one, two] = [await freePort(), await backend('one'), await backend('two')];
    // Only the data differs from the image's: free loopback ports instead of 8080 and 10.0.0.x.
    const data = (servers: number[]) => `nginx:\n  listen: 127.0.0.1:${listen}\napp:\n  name: shop\n  servers:\n${servers.map((p, i) => `    web${i}: 127.0.0.1:${p}\n`).join('')}`;
    await writeFile(join(dir, 'data.yaml'), data([one]));
    const cli = startCli(docker.cmd, { cwd: dir });
    const get = async () => (await (await request(`http://127.0.0.1:${listen}/`)).body.text());
    try {
      await waitFor(async () => (await get()) === 'one', 'nginx serving the first render');
      await writeFile(join(dir, 'data.yaml'), data([two]));
      await waitFor(async () => (await get()) === 'two', 'nginx reloaded on the change');
      assert.match(cli.output(), /sending SIGHUP to the child/);
    } finally {
      assert.equal(await cli.stop(), 0, cli.output());
    }
    assert.match(cli.output(), /child exited with status 0/);
  });
});
