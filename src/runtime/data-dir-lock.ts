/**
 * One user at a time of a durable cluster's directory. Two clusters on one directory (two
 * processes, or two clusters of one process) would run the same nodes on the same
 * environments, and each would overwrite what the other's nodes wrote.
 *
 * The lock is a file in the directory, `dynamo-cluster.lock`, created only if absent (`wx`:
 * O_CREAT | O_EXCL), naming its holder: the process id and the process's start time (field 22
 * of /proc/<pid>/stat), so that a process id the system gave again to another process is not
 * taken for the holder. A lock whose holder is gone (a process killed with SIGKILL removes
 * nothing) is taken over; a live holder's is refused. This process also keeps the
 * directories it holds, so a second cluster here is refused even if the file was removed.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from './engine-error.js';

export const LOCK_FILE = 'dynamo-cluster.lock';

export interface DataDirLock {
  /** Gives the directory up (removing the file only if it is still this lock's); safe to call twice. */
  release(): void;
}

interface Holder {
  readonly pid: number;
  /** The holder's start time in clock ticks since boot, as a string; null where there is no /proc. */
  readonly started: string | null;
}

/** The directories this process holds, by real path. */
const heldHere = new Set<string>();

/** Takes `dir`'s lock (the directory must exist); throws a STORAGE EngineError naming the holder when it is in use. */
export function lockDataDir(dir: string): DataDirLock {
  const key = realpathSync(dir);
  if (heldHere.has(key)) throw inUse(dir, process.pid);
  const path = join(dir, LOCK_FILE);
  // The token tells this lock's file from one that replaced it, for release and takeover.
  const text = `${JSON.stringify({ pid: process.pid, started: startTimeOf(process.pid), token: randomUUID() })}\n`;
  for (let attempt = 0; !create(path, text); attempt++) {
    if (attempt >= 5) throw new EngineError('STORAGE', `${path}: others are taking this lock over too: try again`);
    const found = read(path);
    if (found === null) continue;
    const holder = parseHolder(found);
    if (holder !== null && isAlive(holder)) throw inUse(dir, holder.pid);
    if (holder === null && attempt === 0) {
      // Unreadable: its writer died between creating and writing it, or is writing it now.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      continue;
    }
    removeIfUnchanged(path, found);
  }
  heldHere.add(key);
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      heldHere.delete(key);
      try {
        if (read(path) === text) unlinkSync(path);
      } catch {
        // Stopping must not fail on it: a file left behind names this process, which the
        // next user finds gone once this process ends.
      }
    },
  };
}

function inUse(dir: string, pid: number): EngineError {
  const what = pid === process.pid ? `another cluster of this process (process ${pid}): stop that cluster first` : `process ${pid}, which is running: stop that process (or its cluster) first`;
  return new EngineError('STORAGE', `${dir} is in use by another cluster: its lock, ${LOCK_FILE}, is held by ${what}, or give another directory`);
}

/** True when this call made the file; false when it was there already. */
function create(path: string, text: string): boolean {
  try {
    writeFileSync(path, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return false;
    throw error;
  }
}

/** The file's text, or null when it is gone. */
function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

function parseHolder(text: string): Holder | null {
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; started?: unknown };
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return { pid: parsed.pid, started: typeof parsed.started === 'string' ? parsed.started : null };
  } catch {
    return null;
  }
}

/**
 * Removes a stale lock, but only the one judged stale: moved aside first, in one step, so
 * that of two processes taking it over at once the second moves the first's new lock, sees
 * it is not the stale one, and puts it back.
 */
function removeIfUnchanged(path: string, stale: string): void {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (read(aside) !== stale) linkSync(aside, path);
  } catch (error) {
    // A lock made meanwhile stands: it holds, and the next attempt reads it.
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
}

/** The process's start time (field 22 of /proc/<pid>/stat), null where /proc cannot tell. */
export function startTimeOf(pid: number): string | null {
  const stat = procStat(pid);
  return stat === null ? null : (stat.fields[19] ?? null);
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), from field 3 on; null without /proc. */
function procStat(pid: number): { fields: string[] } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return { fields: text.slice(text.lastIndexOf(')') + 2).split(' ') };
}

/** Whether the lock's holder still runs: the same process id, started at the same time, not a zombie. */
function isAlive(holder: Holder): boolean {
  const stat = procStat(holder.pid);
  if (stat !== null) {
    const [state] = stat.fields;
    // A process killed but not yet reaped by its parent is a zombie: it holds nothing.
    if (state === 'Z' || state === 'X') return false;
    return holder.started === null || stat.fields[19] === holder.started;
  }
  // No /proc entry to read: the process is gone, or this system has no /proc (then a process
  // with that id counts as the holder).
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}
