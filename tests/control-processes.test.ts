/**
 * The control plane as people run it: node controllers as separate processes on loopback
 * ports, `dynamo job` deploying a job in the seed's format across them, `dynamo kv` and the
 * KV HTTP API on the nodes the job left running. Each test starts its own controllers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobToml, runCli, startController, stopAllControllers, type ControllerProcess } from './helpers/controller-processes.js';

const dir = mkdtempSync(join(tmpdir(), 'dynamo-jobs-'));

afterEach(stopAllControllers);

/** A port nothing listens on (it was free a moment ago). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function writeJob(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function threeControllers(extra: readonly string[] = []): Promise<ControllerProcess[]> {
  return Promise.all([startController(extra), startController(extra), startController(extra)]);
}

async function status(controller: ControllerProcess, headers: Record<string, string> = {}): Promise<{ cluster: string | null; actors: string[] }> {
  const response = await fetch(`${controller.url}/status`, { headers });
  return (await response.json()) as { cluster: string | null; actors: string[] };
}

async function metric(controller: ControllerProcess, name: string, node: string): Promise<number> {
  const text = await (await fetch(`${controller.url}/metrics`)).text();
  const match = new RegExp(`^${name}\\{node="${node}"\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

describe('dynamo job over three node controller processes', () => {
  it('runs a seed-format job spread over them; the nodes keep serving the KV API', async () => {
    const controllers = await threeControllers();
    const clients = [
      '  [[placement.dynamo_client]]', '  nodename = "host2"', '  actor_name = "client1"', '  client_id = "client1"', '  nodes = ["nodeA", "nodeC", "nodeE"]', '',
      '  [[placement.dynamo_bench_client]]', '  nodename = "host3"', '  actor_name = "bench1"', '  client_id = "bench1"', '  nodes = ["nodeA", "nodeB", "nodeC", "nodeD", "nodeE", "nodeF"]', '  num_ops = 200',
    ].join('\n');
    const job = jobToml({ ports: controllers.map((c) => c.port), perController: 2, clients });
    const run = await runCli(['job', writeJob('spread.toml', job.text)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/placed nodeF \(node nodeF\) on host3/);
    expect(run.stdout).toMatch(/\[client1\] PUT user:1 = "Alice" -> ok, acked by node\w, node\w/);
    expect(run.stdout).toMatch(/\[client1\] GET user:1 -> "Alice_Updated" context=\{/);
    expect(run.stdout).toMatch(/\[bench1\] GET n=100 p50=\d+us p90=\d+us p99=\d+us p99\.9=\d+us max=\d+us/);
    expect(run.stdout).toMatch(/\[bench1\] PUT n=100 /);
    expect(run.stdout).toMatch(/job done: 2 client\(s\) succeeded/);

    const [one, two] = controllers as [ControllerProcess, ControllerProcess, ControllerProcess];
    expect((await status(one)).actors.sort()).toEqual(['nodeA', 'nodeB']);
    const read = await fetch(`${two.url}/kv/user:1`);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('Alice_Updated');
    const kv = await runCli(['kv', 'get', 'user:1', '--url', one.url]);
    expect(kv.code).toBe(0);
    expect(kv.stdout.trim()).toBe('Alice_Updated');
  }, 60_000);

  it('acknowledged writes survive killing one controller process', async () => {
    const controllers = await threeControllers();
    const job = jobToml({ ports: controllers.map((c) => c.port), perController: 2 });
    const deploy = await runCli(['job', writeJob('nodes-only.toml', job.text)]);
    expect(deploy.code).toBe(0);
    const [one, two, three] = controllers as [ControllerProcess, ControllerProcess, ControllerProcess];
    // W = N = 3: every acknowledged write is on three distinct nodes, and a controller hosts
    // two, so at least one copy outlives any one controller.
    const acked = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      if (i === 20) three.child.kill('SIGKILL');
      const key = `survivor${i}`;
      const response = await fetch(`${one.url}/kv/${key}?w=3&timeout_ms=3000`, { method: 'PUT', body: `value${i}` });
      if (response.ok) acked.set(key, `value${i}`);
    }
    // Only writes in flight when the controller died may fail (and then were not acknowledged).
    expect(acked.size).toBeGreaterThan(50);
    for (const [key, value] of acked) {
      for (const reader of [one, two]) {
        const response = await fetch(`${reader.url}/kv/${key}?r=2&timeout_ms=3000`);
        expect({ key, status: response.status, body: await response.text() }).toEqual({ key, status: 200, body: value });
      }
    }
  }, 90_000);

  it("a job file's chaos shows in the fault counters of the controllers hosting its nodes", async () => {
    const controllers = await threeControllers();
    const clients = ['  [[placement.dynamo_bench_client]]', '  nodename = "host1"', '  actor_name = "bench1"', '  client_id = "bench1"', '  nodes = ["nodeB", "nodeD", "nodeF"]', '  num_ops = 300'].join('\n');
    const job = jobToml({
      ports: controllers.map((c) => c.port),
      perController: 2,
      clients,
      nodeChaos: {
        nodeA: 'chaos.msg_loss = { start_ms = 0, probability = 0.05 }',
        nodeC: 'chaos.msg_duplication = { start_ms = 0, probability = 0.5, factor = 2 }',
        nodeE: 'chaos.msg_delay = { start_ms = 0, delay_range_ms = [1, 3], senders = [] }',
      },
    });
    const run = await runCli(['job', writeJob('chaos.toml', job.text)]);
    expect(run.code === 0 || run.code === 1).toBe(true);
    expect(run.stdout).toMatch(/\[chaos \+0ms\] msg_loss 0\.05 on nodeA on host1/);
    expect(run.stdout).toMatch(/\[chaos \+0ms\] msg_duplication 0\.5 x2 on nodeC on host2/);
    expect(run.stdout).toMatch(/\[chaos \+0ms\] msg_delay 1-3 ms on nodeE on host3/);
    const [one, two, three] = controllers as [ControllerProcess, ControllerProcess, ControllerProcess];
    expect(await metric(one, 'dynamo_node_messages_lost_total', 'nodeA')).toBeGreaterThan(0);
    expect(await metric(two, 'dynamo_node_messages_duplicated_total', 'nodeC')).toBeGreaterThan(0);
    expect(await metric(three, 'dynamo_node_messages_delayed_total', 'nodeE')).toBeGreaterThan(0);
    expect(await metric(one, 'dynamo_node_messages_lost_total', 'nodeB')).toBe(0);
  }, 60_000);

  it('with --token-file, nothing is served without the token; job and kv bring it', async () => {
    const tokenFile = writeJob('token', 'a-token-for-the-test-0123456789\n');
    const controller = await startController(['--token-file', tokenFile]);
    expect((await fetch(`${controller.url}/status`)).status).toBe(401);
    expect((await fetch(`${controller.url}/kv/x`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const job = jobToml({ ports: [controller.port], perController: 3 });
    const denied = await runCli(['job', writeJob('one.toml', job.text)]);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toMatch(/job not deployed: controller host1: GET \/status: 401/);
    const run = await runCli(['job', '--token-file', tokenFile, writeJob('one.toml', job.text)]);
    expect(run.code).toBe(0);
    expect((await runCli(['kv', 'put', 'k', 'v', '--url', controller.url, '--token-file', tokenFile])).code).toBe(0);
    const got = await runCli(['kv', 'get', 'k', '--url', controller.url, '--token-file', tokenFile]);
    expect(got.stdout.trim()).toBe('v');
    expect((await runCli(['kv', 'get', 'k', '--url', controller.url])).code).toBe(3);
    expect(controller.stderr()).not.toContain('a-token-for-the-test');
  }, 60_000);

  it('a wrong job file is one line naming the problem, and nothing is deployed', async () => {
    const controller = await startController();
    const bad = jobToml({ ports: [controller.port], perController: 3, n: 4, w: 2, r: 2 });
    const run = await runCli(['job', writeJob('bad.toml', bad.text)]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/field "N": 4 is above the ring's node count \(3\)/);
    const syntax = await runCli(['job', writeJob('syntax.toml', '[[ops]\nname = "x"\n')]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/syntax\.toml:1:\d+: TOML syntax error/);
    expect((await status(controller)).cluster).toBeNull();
  }, 30_000);

  it('a second job on a busy controller is refused, and the first keeps running', async () => {
    const controller = await startController();
    const job = jobToml({ ports: [controller.port], perController: 3 });
    expect((await runCli(['job', writeJob('first.toml', job.text)])).code).toBe(0);
    const first = (await status(controller)).cluster;
    await fetch(`${controller.url}/kv/kept`, { method: 'PUT', body: 'still here' });
    const second = await runCli(['job', writeJob('second.toml', job.text)]);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`already runs cluster ${first}`);
    expect(second.stdout).not.toContain('stopped what was placed');
    expect((await status(controller)).cluster).toBe(first);
    expect(await (await fetch(`${controller.url}/kv/kept`)).text()).toBe('still here');
  }, 30_000);

  it('a controller that is not running: the job is not deployed anywhere', async () => {
    const controller = await startController();
    const closedPort = await freePort();
    const job = jobToml({ ports: [controller.port, closedPort], perController: 2 });
    const run = await runCli(['job', writeJob('missing.toml', job.text)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`job not deployed: controller host2 (http://127.0.0.1:${closedPort}): GET /status: connection refused`);
    expect((await status(controller)).cluster).toBeNull();
  }, 30_000);
});
