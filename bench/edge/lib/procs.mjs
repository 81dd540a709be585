// The processes this benchmark started (wrangler's Node, workerd, esbuild), read from /proc:
// how much CPU each spent during a phase, and which loopback ports workerd listens on.
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** {pid, ppid, comm, cpuSeconds} of every process /proc shows, where readable. */
function processes() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // proc(5): "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // After comm: [0] state, [1] ppid, … [11] utime, [12] stime (fields 14 and 15 of proc(5)).
    out.push({
      pid: Number(name), ppid: Number(fields[1]), comm,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / clockTicks(),
    });
  }
  return out;
}

/** Every living descendant of this process. */
function descendants() {
  const children = new Map();
  for (const p of processes()) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const out = [];
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/**
 * CPU seconds so far, by process: `bench` (this process: the load client and the fake push
 * service) and each descendant keyed `comm#pid` (e.g. `workerd#1234`).
 */
export function cpuSnapshot() {
  const snapshot = new Map();
  const self = process.cpuUsage();
  snapshot.set('bench', (self.user + self.system) / 1e6);
  for (const p of descendants()) snapshot.set(`${p.comm}#${p.pid}`, p.cpuSeconds);
  return snapshot;
}

/**
 * CPU seconds spent between two snapshots, by process name (pids of one name summed);
 * `labels` (pid → name) names processes that share a `comm`.
 */
export function cpuSpent(before, after, labels = new Map()) {
  const byName = new Map();
  for (const [key, seconds] of after) {
    const spent = seconds - (before.get(key) ?? 0);
    const pid = Number(key.slice(key.lastIndexOf('#') + 1));
    const name = labels.get(pid) ?? key.replace(/#\d+$/, '');
    byName.set(name, (byName.get(name) ?? 0) + spent);
  }
  return byName;
}

/**
 * {pid, port} of every TCP socket on 127.0.0.1 that a workerd process started by this
 * process listens on (from `ss -ltnp`): wrangler's dev proxy and the user Worker's own.
 */
export function workerdSockets() {
  const ours = new Set(descendants().filter((p) => p.comm === 'workerd').map((p) => p.pid));
  const ss = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  const sockets = [];
  for (const line of ss.split('\n')) {
    const m = /127\.0\.0\.1:(\d+)\s.*"workerd",pid=(\d+),/.exec(line);
    if (m && ours.has(Number(m[2]))) sockets.push({ port: Number(m[1]), pid: Number(m[2]) });
  }
  return sockets;
}

/**
 * Names wrangler's two workerd processes: the one listening on `outerPort` (wrangler's port)
 * runs its dev proxy, the other the Worker with its KV and Durable Objects.
 */
export function workerdLabels(outerPort) {
  const sockets = workerdSockets();
  const proxy = sockets.find((s) => s.port === outerPort)?.pid;
  const labels = new Map();
  for (const { pid } of sockets) labels.set(pid, pid === proxy ? 'workerd (wrangler proxy)' : 'workerd (Worker)');
  return labels;
}
