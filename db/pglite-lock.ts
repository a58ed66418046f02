import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, fsyncSync, linkSync, openSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

// PGlite has no lock of its own: two processes on one folder silently diverge and can corrupt it.
// The folder is guarded by `<folder>.lock`, which names its owner: pid, host, boot id, PID
// namespace, the process's start time and a random token.
//
// - Taking it is atomic and the file is complete before anyone can see it: the record is written
//   to a temporary file and hard-linked to the lock's name (link fails when the name exists).
// - Someone else's lock is taken over only when its owner is provably gone: same host, boot and
//   PID namespace, and the pid is dead or now belongs to a process that started at another time;
//   or the machine has rebooted since (another boot id). A lock from another host or another PID
//   namespace (another container) cannot be checked from here: it is held, and the error says
//   who holds it and how to clear it.
// - An unreadable lock younger than a few seconds is being written (by an older version, or a
//   file system without hard links): held, never deleted.
// - Removing a stale lock happens under a second lock (`<folder>.lock.takeover`), taken the same
//   way, so two processes cannot both delete it and both believe they hold the folder.
// - Release deletes the file only while it still holds this process's token.

const VERSION = 2;
/** An unreadable lock file this young is being written, not abandoned. */
const WRITING_GRACE_MS = 5_000;
/** How long to wait for a lock being written, or a takeover under way, before refusing. */
const WAIT_MS = 1_500;

type Owner = {
  version: number;
  token: string;
  pid: number;
  host: string;
  bootId: string | null;
  pidNamespace: string | null;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); null where /proc is missing. */
  processStart: string | null;
  /** When the process started (wall clock), for systems without /proc. */
  startedAt: string;
  command: string;
  since: string;
};

/** A lock written by the previous version: only {pid, command, since}. */
type LegacyOwner = { pid: number; command: string; since: string };

type Refusal = "in_use" | "same_process" | "other_host" | "other_namespace" | "being_written" | "takeover" | "busy";

export class DatabaseLockedError extends Error {
  readonly lockFile: string;

  constructor(
    readonly folder: string,
    readonly reason: Refusal,
    readonly ownerPid: number | null = null,
    readonly ownerCommand: string = "",
    readonly ownerHost: string | null = null,
    ownerSince = "",
  ) {
    const lockFile = lockFileOf(folder);
    const since = ownerSince ? `, since ${ownerSince}` : "";
    const clear = `If you are sure it is no longer running, delete ${lockFile} and start again.`;
    const messages: Record<Refusal, string> = {
      in_use:
        `The embedded database in ${folder} is in use by another process (pid ${ownerPid}: ${ownerCommand}${since}). ` +
        `Only one process can open it at a time. Stop that process first, or point both at a real Postgres with DATABASE_URL.`,
      same_process:
        `The embedded database in ${folder} is already open in this process (pid ${ownerPid}), from another thread or context. ` +
        `Only one can open it at a time; point both at a real Postgres with DATABASE_URL.`,
      other_host:
        `The embedded database in ${folder} is locked by pid ${ownerPid} on host ${ownerHost} (${ownerCommand}${since}), ` +
        `which cannot be checked from this machine. Stop that process first. ${clear}`,
      other_namespace:
        `The embedded database in ${folder} is locked by pid ${ownerPid} in another container or PID namespace on this machine ` +
        `(host ${ownerHost}: ${ownerCommand}${since}), which this process cannot see. Stop that process first. ${clear}`,
      being_written:
        `The lock on the embedded database in ${folder} is being taken by another process right now (${lockFile} is not complete yet). ` +
        `Try again in a moment. If no portal process is running and this persists, delete ${lockFile}.`,
      takeover:
        `Another process is taking over a stale lock on the embedded database in ${folder}. Try again in a moment. ` +
        `If no portal process is running and this persists, delete ${lockFile}.takeover.`,
      busy:
        `Could not take the lock on the embedded database in ${folder}: it kept changing hands. Try again; ` +
        `if no portal process is running, delete ${lockFile}.`,
    };
    super(messages[reason]);
    this.name = "DatabaseLockedError";
    this.lockFile = lockFile;
  }
}

function lockFileOf(folder: string): string {
  return `${folder}.lock`;
}

// ── who we are ──────────────────────────────────────────────────────────────────────────────

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** Field 22 (starttime) of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
function processStartOf(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? null;
}

function pidNamespace(): string | null {
  try {
    return readlinkSync("/proc/self/ns/pid");
  } catch {
    return null;
  }
}

function self(): Owner {
  return {
    version: VERSION,
    token: randomBytes(16).toString("hex"),
    pid: process.pid,
    host: hostname(),
    bootId: readText("/proc/sys/kernel/random/boot_id"),
    pidNamespace: pidNamespace(),
    processStart: processStartOf(process.pid),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: process.argv.slice(1).join(" ").slice(0, 200),
    since: new Date().toISOString(),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// ── reading a lock ──────────────────────────────────────────────────────────────────────────

type Seen = {
  /** Identity of the file seen (inode + content): a takeover removes exactly this one. */
  dev: number;
  ino: number;
  text: string;
  ageMs: number;
  owner: Owner | LegacyOwner | null;
};

function parse(text: string): Owner | LegacyOwner | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== "number" || !Number.isInteger(v.pid) || v.pid <= 0) return null;
  const str = (x: unknown) => (typeof x === "string" ? x : null);
  if (v.version === undefined) return { pid: v.pid, command: str(v.command) ?? "?", since: str(v.since) ?? "" };
  if (typeof v.token !== "string" || typeof v.host !== "string") return null;
  return {
    version: Number(v.version),
    token: v.token,
    pid: v.pid,
    host: v.host,
    bootId: str(v.bootId),
    pidNamespace: str(v.pidNamespace),
    processStart: str(v.processStart),
    startedAt: str(v.startedAt) ?? "",
    command: str(v.command) ?? "?",
    since: str(v.since) ?? "",
  };
}

/** The lock file as it is now, or null when there is none. */
function look(file: string): Seen | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    const text = readFileSync(fd, "utf8");
    return { dev: stat.dev, ino: stat.ino, text, ageMs: Date.now() - stat.mtimeMs, owner: parse(text) };
  } finally {
    closeSync(fd);
  }
}

type Verdict = { held: true; reason: Refusal; owner: Owner | LegacyOwner | null } | { held: false; why: string };

/** Whether the lock seen still stands, judged from this process. */
function judge(seen: Seen, me: Owner): Verdict {
  const owner = seen.owner;
  if (!owner) {
    // Negative ages (a clock ahead on a shared disk) count as young.
    return seen.ageMs < WRITING_GRACE_MS ? { held: true, reason: "being_written", owner: null } : { held: false, why: "unreadable" };
  }
  if (!("token" in owner)) {
    // The previous version wrote no host or start time: its pid decides, and our own pid is an earlier process's.
    if (owner.pid !== me.pid && isAlive(owner.pid)) return { held: true, reason: "in_use", owner };
    return { held: false, why: "its process is gone" };
  }
  if (owner.host !== me.host) return { held: true, reason: "other_host", owner };
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return { held: false, why: "the machine restarted since" };
  if (owner.pidNamespace && me.pidNamespace && owner.pidNamespace !== me.pidNamespace)
    return { held: true, reason: "other_namespace", owner };
  if (owner.pid === me.pid) {
    // Our pid, not our token: an earlier process that had this pid — unless it started when we did.
    const sameStart =
      owner.processStart && me.processStart
        ? owner.processStart === me.processStart
        : Math.abs(Date.parse(owner.startedAt) - Date.parse(me.startedAt)) < 2_000;
    return sameStart ? { held: true, reason: "same_process", owner } : { held: false, why: "an earlier process had this pid" };
  }
  if (!isAlive(owner.pid)) return { held: false, why: "its process is gone" };
  const start = owner.processStart ? processStartOf(owner.pid) : null;
  if (start && start !== owner.processStart) return { held: false, why: "its pid now belongs to another process" };
  return { held: true, reason: "in_use", owner };
}

// ── writing a lock ──────────────────────────────────────────────────────────────────────────

const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"]);

function writeFully(fd: number, text: string) {
  const data = Buffer.from(text, "utf8");
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset);
  fsyncSync(fd);
}

/** Creates `file` holding `owner`, complete before it is visible; false when it already exists. */
function publish(file: string, owner: Owner): boolean {
  const text = JSON.stringify(owner);
  const temp = `${file}.${owner.token}.tmp`;
  const fd = openSync(temp, "wx", 0o644);
  try {
    writeFully(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "EEXIST") return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    // A file system without hard links: create exclusively and write at once (readers give a
    // lock being written a few seconds before calling it abandoned).
    let direct: number;
    try {
      direct = openSync(file, "wx", 0o644);
    } catch (createError) {
      if ((createError as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw createError;
    }
    try {
      writeFully(direct, text);
    } finally {
      closeSync(direct);
    }
    return true;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Deletes `file` if it is still exactly the one seen. */
function removeIfUnchanged(file: string, seen: Seen): void {
  const now = look(file);
  if (now && now.dev === seen.dev && now.ino === seen.ino && now.text === seen.text) unlinkSync(file);
}

/**
 * Removes a stale lock under the takeover lock, so only one process removes it (and the others
 * then race fairly through publish). "busy": another process is taking it over right now.
 */
function takeOver(file: string, seen: Seen, me: Owner): "removed" | "busy" {
  const guard = `${file}.takeover`;
  const mine: Owner = { ...me, token: randomBytes(16).toString("hex") };
  if (!publish(guard, mine)) {
    const other = look(guard);
    // A takeover whose process died between two system calls: clear it, then go round again.
    if (other && !judge(other, me).held) removeIfUnchanged(guard, other);
    return "busy";
  }
  try {
    removeIfUnchanged(file, seen);
    return "removed";
  } finally {
    const now = look(guard);
    if (now?.owner && "token" in now.owner && now.owner.token === mine.token) rmSync(guard, { force: true });
  }
}

// ── the lock ────────────────────────────────────────────────────────────────────────────────

// Shared by every copy of this module in the process (Next may load more than one), as the
// database handle is (db/client.ts): file → our token.
const globalForLocks = globalThis as unknown as { __portalPgliteLocks?: Map<string, string> };
function heldLocks(): Map<string, string> {
  if (!globalForLocks.__portalPgliteLocks) {
    const held = new Map<string, string>();
    globalForLocks.__portalPgliteLocks = held;
    process.once("exit", () => {
      for (const file of [...held.keys()]) releaseFile(file);
    });
  }
  return globalForLocks.__portalPgliteLocks;
}

function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the folder's lock for this process, or throws DatabaseLockedError saying who holds it. */
export function acquirePgliteLock(folder: string): void {
  const file = lockFileOf(folder);
  const key = path.resolve(file);
  if (heldLocks().has(key)) return;
  const me = self();
  const deadline = Date.now() + WAIT_MS;
  let waitingFor: Refusal = "busy";
  for (let round = 0; round < 1_000; round++) {
    if (publish(file, me)) {
      heldLocks().set(key, me.token);
      return;
    }
    const seen = look(file);
    if (!seen) continue;
    const verdict = judge(seen, me);
    if (verdict.held && verdict.reason !== "being_written") {
      const owner = verdict.owner;
      throw new DatabaseLockedError(
        folder,
        verdict.reason,
        owner?.pid ?? null,
        owner?.command ?? "",
        owner && "host" in owner ? owner.host : null,
        owner?.since ?? "",
      );
    }
    if (!verdict.held && takeOver(file, seen, me) === "removed") continue;
    // Being written, or another process is taking over the stale lock: wait for it briefly.
    waitingFor = verdict.held ? "being_written" : "takeover";
    if (Date.now() > deadline) break;
    sleep(20 + Math.random() * 30);
  }
  throw new DatabaseLockedError(folder, waitingFor);
}

/** Releases the folder's lock if this process holds it (and the file still names this process). */
export function releasePgliteLock(folder: string): void {
  releaseFile(path.resolve(lockFileOf(folder)));
}

function releaseFile(file: string): void {
  const token = heldLocks().get(file);
  if (token === undefined) return;
  heldLocks().delete(file);
  const seen = look(file);
  if (seen?.owner && "token" in seen.owner && seen.owner.token === token) rmSync(file, { force: true });
}
