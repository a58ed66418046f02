import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { channels } from "./channels";
import { createdUpdated, id, timestamptz } from "./columns";

export const SYNC_RUN_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "canceled"] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

/** The sync client's in-flight budget as the runner last reported it (MagentoTransport.budget), with when. */
export type RequestBudgetSnapshot = {
  inFlight: number;
  limit: number;
  max: number;
  maxInFlightSeen: number;
  decreases: number;
  /** ISO time of the report. */
  updatedAt: string;
  /**
   * A run fanned out over workers (lib/sync/shares.ts): each share's own report by share index;
   * the figures above are then their sum over the shares that reported in the last minute.
   */
  shares?: Record<string, Omit<RequestBudgetSnapshot, "shares">>;
};

export type ConnectorStats = {
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  errors: number;
  startedAt?: string;
  finishedAt?: string;
};

const channelRef = () =>
  bigint("channel_id", { mode: "number" })
    .notNull()
    .references(() => channels.id, { onDelete: "cascade" });

/** One sync of one channel, made of connector runs (their figures live in `stats`). */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: id(),
    channelId: channelRef(),
    mode: text("mode", { enum: ["initial", "incremental", "full"] }).notNull(),
    trigger: text("trigger", { enum: ["schedule", "manual", "cli", "action"] }).notNull(),
    status: text("status", { enum: SYNC_RUN_STATUSES }).notNull().default("queued"),
    requestedByUserId: bigint("requested_by_user_id", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    heartbeatAt: timestamptz("heartbeat_at"),
    cancelRequestedAt: timestamptz("cancel_requested_at"),
    recordsChanged: integer("records_changed").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
    stats: jsonb("stats").$type<Record<string, ConnectorStats>>().notNull().default({}),
    errorMessage: text("error_message"),
    // The Magento client's request budget while the run runs (written with each page's stats, addConnectorStats); null before the first page.
    requestBudget: jsonb("request_budget").$type<RequestBudgetSnapshot>(),
    // Inngest run id when driven by Inngest; null for the in-process runner.
    externalRunId: text("external_run_id"),
    ...createdUpdated(),
  },
  (t) => [
    check("sync_runs_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'partial', 'failed', 'canceled')`),
    index("sync_runs_channel_created_idx").on(t.channelId, t.createdAt),
    index("sync_runs_status_idx").on(t.status),
  ],
);

/** A record or page that failed, kept so nothing is lost silently. */
export const syncErrors = pgTable(
  "sync_errors",
  {
    id: id(),
    runId: bigint("run_id", { mode: "number" }).references(() => syncRuns.id, { onDelete: "cascade" }),
    channelId: channelRef(),
    connector: text("connector").notNull(),
    originId: text("origin_id"),
    page: integer("page"),
    field: text("field"),
    message: text("message").notNull(),
    payload: jsonb("payload"),
    retryable: text("retryable"),
    resolvedAt: timestamptz("resolved_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [index("sync_errors_run_idx").on(t.runId), index("sync_errors_channel_created_idx").on(t.channelId, t.createdAt)],
);

/**
 * A field of a kept record that could not be read (wrong type, unparseable) and was stored as
 * null. One row per record and field: a later sync that meets the same value again only moves
 * last_seen_at, so a run counts (and Sync History lists) the warnings it found first.
 */
export const syncWarnings = pgTable(
  "sync_warnings",
  {
    id: id(),
    channelId: channelRef(),
    // The record's kind as the portal names it (customers, carts, orders, credit_memos).
    connector: text("connector").notNull(),
    originId: text("origin_id").notNull(),
    field: text("field").notNull(),
    message: text("message").notNull(),
    // The value as Magento sent it (cut to 2 KB like error payloads), as {"value": …}: a bare
    // JSON string would reach jsonb as its text ("1" read back as 1).
    rawValue: jsonb("raw_value").$type<{ value: unknown }>(),
    firstRunId: bigint("first_run_id", { mode: "number" }).references(() => syncRuns.id, { onDelete: "set null" }),
    lastRunId: bigint("last_run_id", { mode: "number" }).references(() => syncRuns.id, { onDelete: "set null" }),
    firstSeenAt: timestamptz("first_seen_at").notNull().defaultNow(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sync_warnings_record_field_key").on(t.channelId, t.connector, t.originId, t.field),
    index("sync_warnings_first_run_idx").on(t.firstRunId),
  ],
);

/** How far a connector has got, per channel and mode. */
export const syncCheckpoints = pgTable(
  "sync_checkpoints",
  {
    id: id(),
    channelId: channelRef(),
    connector: text("connector").notNull(),
    mode: text("mode", { enum: ["initial", "incremental"] }).notNull(),
    windowStart: timestamptz("window_start"),
    windowEnd: timestamptz("window_end"),
    lastUpdatedAt: timestamptz("last_updated_at"),
    lastOriginId: text("last_origin_id"),
    page: integer("page"),
    cursor: jsonb("cursor").$type<Record<string, unknown>>(),
    completedAt: timestamptz("completed_at"),
    ...createdUpdated(),
  },
  (t) => [uniqueIndex("sync_checkpoints_channel_connector_mode_key").on(t.channelId, t.connector, t.mode)],
);

// reverted: a two-way push the user withdrew (local values put back to Magento's).
export const OUTBOX_STATUSES = ["pending", "in_progress", "done", "failed", "dead", "reverted"] as const;

/**
 * Writes Magento must see, recorded in the same transaction as the local change.
 * idempotency_key makes a retried conversion the same attempt, never a second order.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: id(),
    channelId: channelRef(),
    kind: text("kind").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    entityType: text("entity_type"),
    entityId: bigint("entity_id", { mode: "number" }),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamptz("next_attempt_at").notNull().defaultNow(),
    lockedUntil: timestamptz("locked_until"),
    lastError: text("last_error"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    createdByUserId: bigint("created_by_user_id", { mode: "number" }).references(() => users.id, {
      onDelete: "set null",
    }),
    completedAt: timestamptz("completed_at"),
    // Two-way sync: when the user acknowledged a "Magento wins" override shown on the customer.
    overrideDismissedAt: timestamptz("override_dismissed_at"),
    ...createdUpdated(),
  },
  (t) => [
    uniqueIndex("outbox_idempotency_key").on(t.idempotencyKey),
    check("outbox_status_check", sql`${t.status} in ('pending', 'in_progress', 'done', 'failed', 'dead', 'reverted')`),
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("outbox_entity_idx").on(t.entityType, t.entityId),
  ],
);
