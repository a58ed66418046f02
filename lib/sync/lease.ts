import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { sql, type SQL } from "drizzle-orm";
import type { Db, DbTx } from "@/db/client";
import { safeErrorMessage } from "@/db/errors";
import { openSession, type DbSession } from "@/db/session";
import { formatDateTime } from "@/lib/dates";
import { queryRows } from "@/db/rows";
import { logger } from "@/lib/log";

// One sync per channel at a time, across processes. The holder's record is a row in
// sync_checkpoints (connector '__lease'): who (owner, host, pid), since when, last heartbeat, and
// `token`, which fences every page: a page commits only while the row still names this holding.
//
// What keeps the row alive depends on who holds it:
// - A process at work (the in-process runner, a step of an Inngest run, a retry, "Sync this
//   record") holds a ChannelHold. On Postgres that is also a session-level advisory lock,
//   pg_try_advisory_lock(LOCK_NAMESPACE, channelId), on a connection of its own (db/session.ts);
//   the row names that connection's backend pid. The lock dies with the process (kill -9, out of memory, a
//   deploy): Postgres drops it when the connection closes, and the next sync takes the channel
//   over at once and resumes from the checkpoints. On PGlite (one process, guaranteed by the folder
//   lock) the row alone holds it, with an expiry its heartbeat pushes on; a row left by an earlier
//   process is dead as soon as this one starts.
// - A run between two of its steps (Inngest invocations are separate HTTP requests: no session
//   can span them), or a run just created before its first step, is "parked": the row alone holds
//   the channel until `expiresAt` (STEP_GAP_MS), and the run's next step takes it back as the same
//   owner. A crashed step is retried by Inngest, which takes it back the same way.

export const LEASE_CONNECTOR = "__lease";
/** PGlite: how long a holder's row outlives its last heartbeat. */
export const LEASE_TTL_MS = 5 * 60 * 1000;
/** A parked run (between two steps, or created and not started yet) keeps the channel this long. */
export const STEP_GAP_MS = 2 * 60 * 1000;
/** How often a working holder beats its row (and, on Postgres, proves its session alive). */
export const HEARTBEAT_MS = 5_000;
/** First key of the channel's advisory lock ("SYNC"); the second is the channel id. */
export const LOCK_NAMESPACE = 0x53594e43;
/** First key of the lock of share N of a run fanned out over workers ("SHR" + N); the second is the channel id. */
export const SHARE_LOCK_NAMESPACE = 0x53485200;

/**
 * Which hold a row and its advisory lock stand for: the channel's own (one sync at a time), or one
 * share of a run whose history several workers fetch at once (lib/sync/shares.ts). A share is
 * held under its run's lease, which stays parked (the run's) while the shares work.
 */
export interface LeaseSlot {
  connector: string;
  namespace: number;
}
export const CHANNEL_SLOT: LeaseSlot = { connector: LEASE_CONNECTOR, namespace: LOCK_NAMESPACE };
export function shareSlot(index: number): LeaseSlot {
  return { connector: `${LEASE_CONNECTOR}:share:${index}`, namespace: SHARE_LOCK_NAMESPACE + index };
}

// This process, as PGlite holders name it (kept on globalThis: Next may load this module twice).
const globalForLease = globalThis as unknown as { __syncLeaseInstance?: string };
const INSTANCE = (globalForLease.__syncLeaseInstance ??= randomBytes(8).toString("hex"));

/** Who holds a channel, for the refusal message and the scheduler. */
export type LeaseHolder = {
  owner: string;
  /** "running": a process is at work now; "waiting": a run between two of its steps, until expiresAt. */
  state: "running" | "waiting";
  since: string | null;
  heartbeatAt: string | null;
  /** When the channel frees itself without a heartbeat (parked runs, PGlite); null while a session vouches. */
  expiresAt: string | null;
  host: string | null;
  pid: number | null;
};

type Cursor = {
  owner?: string;
  token?: string;
  since?: string;
  heartbeatAt?: string;
  host?: string;
  pid?: number;
  instance?: string;
  backendPid?: number | null;
  parked?: boolean;
  expiresAt?: string | null;
};

export class SyncBusyError extends Error {
  constructor(
    readonly channelId: number,
    readonly holder: LeaseHolder | null,
  ) {
    super(
      holder
        ? `Channel ${channelId} is held by ${describeLeaseHolder(holder)}.`
        : `Another sync of channel ${channelId} is running or finishing.`,
    );
    this.name = "SyncBusyError";
  }
}

export function runLeaseOwner(runId: number): string {
  return `run:${runId}`;
}

/**
 * Whether the lease row `cursor` still holds its channel: its session still holds the advisory
 * lock; or, for a row-only holder, it has not expired (and, on PGlite, it is this process's).
 */
function liveSql(cursor: SQL, channelId: number, slot: LeaseSlot = CHANNEL_SLOT): SQL {
  return sql`(case
    when ${cursor} is null then false
    when ${cursor}->>'backendPid' is not null then exists (
      select 1 from pg_locks l
      where l.locktype = 'advisory' and l.granted and l.objsubid = 2
        and l.classid = ${sql.raw(String(slot.namespace))}::oid and l.objid = ${channelId}::int::oid
        and l.pid = (${cursor}->>'backendPid')::int)
    when coalesce((${cursor}->>'parked')::boolean, false) or ${cursor}->>'instance' is null
      then coalesce((${cursor}->>'expiresAt')::timestamptz > now(), false)
    else ${cursor}->>'instance' = ${INSTANCE} and coalesce((${cursor}->>'expiresAt')::timestamptz > now(), false)
  end)`;
}

const current = sql.raw(`"sync_checkpoints"."cursor"`);

function whereLease(channelId: number, slot: LeaseSlot = CHANNEL_SLOT): SQL {
  return sql`channel_id = ${channelId} and connector = ${slot.connector} and mode = 'initial'`;
}

/**
 * Takes the channel's row for `owner` (one atomic upsert) when it is free, held by this very
 * holding (`token`), parked by the same owner (a run's next step), or its holder is dead.
 */
async function takeRow(
  db: Db | DbTx,
  channelId: number,
  input: { owner: string; token: string; backendPid: number | null; parked: boolean; ttlMs: number | null },
  slot: LeaseSlot = CHANNEL_SLOT,
): Promise<boolean> {
  const expires =
    input.ttlMs === null ? sql`null::timestamptz` : sql`now() + ${sql.raw(String(Math.trunc(input.ttlMs)))} * interval '1 millisecond'`;
  const cursor = sql`jsonb_build_object(
    'owner', ${input.owner}::text, 'token', ${input.token}::text, 'since', now(), 'heartbeatAt', now(),
    'host', ${hostname()}::text, 'pid', ${process.pid}::int, 'instance', ${INSTANCE}::text,
    'backendPid', ${input.backendPid}::int, 'parked', ${input.parked}::boolean, 'expiresAt', ${expires})`;
  const rows = await queryRows<{ id: unknown }>(
    db,
    sql`
    insert into sync_checkpoints (channel_id, connector, mode, cursor, updated_at)
    values (${channelId}, ${slot.connector}, 'initial', ${cursor}, now())
    on conflict (channel_id, connector, mode) do update
      set cursor = excluded.cursor || (case when ${current}->>'owner' = ${input.owner} and ${current} ? 'since'
          then jsonb_build_object('since', ${current}->'since') else '{}'::jsonb end),
        updated_at = now()
      where ${current} is null
        or ${current}->>'token' = ${input.token}
        or (${current}->>'owner' = ${input.owner} and ${current}->>'backendPid' is null)
        or not ${liveSql(current, channelId, slot)}
    returning id`,
  );
  return rows.length > 0;
}

/**
 * Claims the channel for `owner` with the row alone, until ttlMs from now: a run created for its
 * steps (Inngest) or between them. False when someone else holds a live lease.
 */
export async function claimLease(db: Db | DbTx, channelId: number, owner: string, ttlMs = STEP_GAP_MS): Promise<boolean> {
  return takeRow(db, channelId, { owner, token: randomBytes(9).toString("base64url"), backendPid: null, parked: true, ttlMs });
}

/** Releases the lease if `owner` holds it (a run failed or given up on). */
export async function releaseLease(db: Db | DbTx, channelId: number, owner: string): Promise<void> {
  await db.execute(sql`update sync_checkpoints set cursor = null, updated_at = now()
    where ${whereLease(channelId)} and cursor->>'owner' = ${owner}`);
}

/** Who holds the channel's lease now (null when free, or its holder is dead or expired). */
export async function leaseHolder(db: Db | DbTx, channelId: number): Promise<LeaseHolder | null> {
  const rows = await queryRows<{ cursor: Cursor | null; live: boolean }>(
    db,
    sql`
    select cursor, ${liveSql(current, channelId)} as live from sync_checkpoints where ${whereLease(channelId)}`,
  );
  const row = rows[0];
  if (!row?.live || !row.cursor?.owner) return null;
  const c = row.cursor;
  return {
    owner: c.owner!,
    state: c.parked ? "waiting" : "running",
    since: c.since ?? null,
    heartbeatAt: c.heartbeatAt ?? null,
    expiresAt: c.backendPid != null ? null : (c.expiresAt ?? null),
    host: c.host ?? null,
    pid: c.pid ?? null,
  };
}

/**
 * A process's hold on a channel while it works. `acquire` takes the channel's advisory lock on a
 * connection of its own (Postgres); `claim` writes the holder's row; every page calls `renew` inside
 * its transaction; a timer beats the row meanwhile; `end` frees the row (or parks it for the run's
 * next step) and the lock.
 */
export class ChannelHold {
  readonly token = randomBytes(9).toString("base64url");
  private owner: string | null = null;
  private lost: SyncBusyError | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ended = false;

  private constructor(
    private readonly db: Db,
    readonly channelId: number,
    private readonly session: DbSession | null,
    private readonly slot: LeaseSlot,
  ) {}

  /** Takes the channel's lock (or a share's: `slot`). Throws SyncBusyError when a live process holds it. */
  static async acquire(db: Db, channelId: number, slot: LeaseSlot = CHANNEL_SLOT): Promise<ChannelHold> {
    const session = await openSession(db);
    if (session) {
      let locked = false;
      try {
        const [row] = await session.query<{ locked: boolean }>("select pg_try_advisory_lock($1::int, $2::int) as locked", [
          slot.namespace,
          channelId,
        ]);
        locked = row?.locked === true;
      } catch (error) {
        await session.close().catch(() => {});
        throw error;
      }
      if (!locked) {
        await session.close().catch(() => {});
        throw new SyncBusyError(channelId, await leaseHolder(db, channelId));
      }
    }
    return new ChannelHold(db, channelId, session, slot);
  }

  /** Writes this holding into the channel's row for `owner`; false when a parked run (or PGlite holder) keeps it. */
  async claim(db: Db | DbTx, owner: string): Promise<boolean> {
    if (this.ended) return false;
    const taken = await takeRow(
      db,
      this.channelId,
      {
        owner,
        token: this.token,
        backendPid: this.session?.backendPid ?? null,
        parked: false,
        ttlMs: this.session ? null : LEASE_TTL_MS,
      },
      this.slot,
    );
    if (!taken) return false;
    this.owner = owner;
    this.lost = null;
    this.startHeartbeat();
    return true;
  }

  /** Inside a page's transaction: beats the row, or throws SyncBusyError when the channel was taken over. */
  async renew(tx: Db | DbTx): Promise<void> {
    if (!this.lost && this.session?.closed) this.lost = new SyncBusyError(this.channelId, null);
    if (this.lost) throw this.lost;
    const rows = await queryRows<{ id: unknown }>(tx, this.beatStatement());
    if (rows.length === 0) {
      this.lost = new SyncBusyError(this.channelId, await leaseHolder(tx, this.channelId));
      throw this.lost;
    }
  }

  /**
   * Frees the channel: the row (park: kept for the run's next step, STEP_GAP_MS) and the lock.
   * Safe to call twice; the second call does nothing.
   */
  async end(options: { park?: boolean } = {}): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    try {
      if (this.owner) {
        await this.db.execute(
          options.park
            ? sql`update sync_checkpoints set cursor = cursor || jsonb_build_object('backendPid', null, 'parked', true, 'heartbeatAt', now(),
                'expiresAt', now() + ${sql.raw(String(STEP_GAP_MS))} * interval '1 millisecond'), updated_at = now()
              where ${whereLease(this.channelId, this.slot)} and cursor->>'token' = ${this.token}`
            : sql`update sync_checkpoints set cursor = null, updated_at = now() where ${whereLease(this.channelId, this.slot)} and cursor->>'token' = ${this.token}`,
        );
      }
    } finally {
      // Closing the session frees its lock.
      await this.session?.close().catch(() => {});
    }
  }

  private beatStatement(): SQL {
    const expires = this.session ? sql`` : sql`, 'expiresAt', now() + ${sql.raw(String(LEASE_TTL_MS))} * interval '1 millisecond'`;
    return sql`update sync_checkpoints set cursor = cursor || jsonb_build_object('heartbeatAt', now()${expires}), updated_at = now()
      where ${whereLease(this.channelId, this.slot)} and cursor->>'token' = ${this.token} returning id`;
  }

  private startHeartbeat(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref?.();
  }

  private async beat(): Promise<void> {
    if (this.ended || this.lost) return;
    try {
      let beaten: number;
      if (this.session) {
        // On the lock's own session, and only while it is that session (an error, or a silent
        // reconnect to a new backend, means the session and its lock are gone).
        const rows = await this.session.query(
          `update sync_checkpoints set cursor = cursor || jsonb_build_object('heartbeatAt', now()), updated_at = now()
          where channel_id = $1::int and connector = $2 and mode = 'initial' and cursor->>'token' = $3 and pg_backend_pid() = $4::int
          returning id`,
          [this.channelId, this.slot.connector, this.token, this.session.backendPid],
        );
        beaten = rows.length;
      } else {
        beaten = (await queryRows(this.db, this.beatStatement())).length;
      }
      if (beaten === 0 && !this.ended) this.lost = new SyncBusyError(this.channelId, await leaseHolder(this.db, this.channelId));
    } catch (error) {
      if (this.session && !this.ended) {
        this.lost = new SyncBusyError(this.channelId, null);
        logger().warn(
          { component: "sync", channelId: this.channelId },
          `lost the connection holding the channel's lock (${safeErrorMessage(error)}); the run stops at its next page.`,
        );
      }
      // PGlite: the next beat tries again (the row's expiry is minutes away).
    }
    if (this.lost && this.timer) clearInterval(this.timer);
  }
}

/**
 * Inside a share's page transaction (lib/sync/shares.ts): keeps the run's parked lease on the
 * channel for STEP_GAP_MS more, or throws SyncBusyError when the run no longer holds the channel
 * (it was failed, given up on, or taken over), so no share writes for a run that lost it.
 */
export async function keepRunLease(tx: Db | DbTx, channelId: number, owner: string): Promise<void> {
  const rows = await queryRows<{ id: unknown }>(
    tx,
    sql`update sync_checkpoints set cursor = cursor || jsonb_build_object('heartbeatAt', now(),
        'expiresAt', now() + ${sql.raw(String(STEP_GAP_MS))} * interval '1 millisecond'), updated_at = now()
      where ${whereLease(channelId)} and cursor->>'owner' = ${owner} and coalesce((cursor->>'parked')::boolean, false)
      returning id`,
  );
  if (rows.length === 0) throw new SyncBusyError(channelId, await leaseHolder(tx, channelId));
}

/** Takes a channel for `owner` (lock and row). Throws SyncBusyError when someone holds it. */
export async function holdChannel(db: Db, channelId: number, owner: string): Promise<ChannelHold> {
  const hold = await ChannelHold.acquire(db, channelId);
  try {
    if (await hold.claim(db, owner)) return hold;
  } catch (error) {
    await hold.end();
    throw error;
  }
  await hold.end();
  throw new SyncBusyError(channelId, await leaseHolder(db, channelId));
}

function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  return `${Math.round(seconds / 60)} min ago`;
}

/** The holder in an operator's words: who, where, since when, and until when or its last heartbeat. */
export function describeLeaseHolder(holder: LeaseHolder, now: Date = new Date()): string {
  const run = /^run:(\d+)$/.exec(holder.owner);
  const who = run
    ? `sync #${run[1]}`
    : holder.owner.startsWith("retry:")
      ? "a retry of failed records"
      : holder.owner.startsWith("record:")
        ? "a one-record sync (Sync this record)"
        : holder.owner;
  const since = holder.since ? ` since ${formatDateTime(holder.since)}` : "";
  const beat = holder.heartbeatAt ? `last heartbeat ${ago(holder.heartbeatAt, now)}` : "no heartbeat yet";
  if (holder.state === "waiting") {
    return `${who}${since}, waiting for its next step (${beat}); it keeps the channel until ${formatDateTime(holder.expiresAt)} unless it continues`;
  }
  const where = holder.host ? ` on ${holder.host}${holder.pid ? ` (process ${holder.pid})` : ""}` : "";
  return `${who}${where}${since}, still running — ${beat}`;
}

/**
 * The refusal shown when a channel is busy: who holds it and since or until when.
 * `runAdvice` replaces "Try again when it has finished." when a sync run holds it (the portal can cancel runs).
 */
export function channelBusyMessage(
  channelName: string,
  holder: LeaseHolder | null,
  options: { runAdvice?: string; now?: Date } = {},
): string {
  if (!holder) return `A sync of "${channelName}" is starting or finishing; try again in a moment.`;
  const isRun = holder.owner.startsWith("run:");
  const subject = holder.owner.startsWith("retry:")
    ? `Failed records of "${channelName}" are being retried`
    : holder.owner.startsWith("record:")
      ? `A record of "${channelName}" is being synced`
      : `A sync of "${channelName}" is already running`;
  const advice = isRun && options.runAdvice ? options.runAdvice : "Try again when it has finished.";
  return `${subject}: ${describeLeaseHolder(holder, options.now)}. ${advice}`;
}
