// Memory and CPU time of a browser: a process and all its descendants (browser, renderer, GPU, utility
// processes). Memory is summed as PSS so that pages they share are counted once. Linux only (/proc).
import {readdirSync, readFileSync} from 'node:fs';

/** The process and its descendants. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const all: number[] = [];
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    all.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return all;
}

export function treePssBytes(rootPid: number): number {
  let kB = 0;
  for (const pid of processTree(rootPid)) {
    try {
      kB += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended
    }
  }
  return kB * 1024;
}

/** User and system CPU time of the process tree so far, in ms (clock ticks of 10 ms). */
export function treeCpuMs(rootPid: number): number {
  let ticks = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended
    }
  }
  return ticks * 10;
}
