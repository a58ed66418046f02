import { and, eq, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { channels, CHANNEL_ENTITIES, type ChannelEntity } from "@/db/schema";
import { credentialsFollow, openCredentials, sealCredentials, urlOrigin, type ChannelCredentials } from "@/lib/secrets/channel-credentials";
import { writeAudit, type Actor } from "@/lib/audit/log";
import {
  DEFAULT_ABANDONMENT_DELAY_HOURS,
  MAX_ABANDONMENT_DELAY_HOURS,
  MIN_ABANDONMENT_DELAY_HOURS,
} from "@/lib/sync/rules/abandoned-carts";
import { resetInitialCheckpoints } from "@/lib/sync/checkpoints";
import { MIN_SYNC_INTERVAL_MINUTES } from "@/lib/sync/schedule";
import { DEFAULT_MAX_REQUESTS_IN_FLIGHT, MAX_MAX_REQUESTS_IN_FLIGHT, MIN_MAX_REQUESTS_IN_FLIGHT } from "@/lib/sync/channel-client";
import { findSameStoreChannels } from "./duplicates";
import { channelIdentity } from "./identity";
import { dataImpact, ENTITY_LABELS } from "./impact";
import { CONFIRM_FIELD, duplicateWarning, warningsConfirmed, type SaveWarning } from "./save-warnings";

export { dataImpact, ENTITY_LABELS };

// A channel's settings as System › Integrations edits them: the zod schema for the form (strings
// in, typed values out), the credential rules (write-only secrets, kept when left empty on edit),
// and the save itself (one transaction: the row, the checkpoints a data-affecting change resets,
// and the audit entry with old → new values, secrets redacted). A save that would make a second
// channel of one store view, or that comes with a failed connection check, waits for the admin's
// confirmation (save-warnings.ts).

// ── field schemas (shared with `portal channel:add`) ───────────────────────────────────────────

export const channelNameSchema = z.string().trim().min(1, "Give the channel a name.").max(100, "Use at most 100 characters.");
export const baseUrlSchema = z.url({ protocol: /^https?$/, message: "Give the store's http(s) URL." });
export const storeCodeSchema = z.string().regex(/^[a-z0-9_]+$/, "Letters, digits and _ only.");
export const syncStartSchema = z.iso.date("Use YYYY-MM-DD.");
export const intervalMinutesSchema = z.coerce
  .number({ message: "Give a number of minutes." })
  .int("Give a whole number of minutes.")
  .min(MIN_SYNC_INTERVAL_MINUTES, `At least ${MIN_SYNC_INTERVAL_MINUTES} minute.`)
  .max(1440, "At most 1440 minutes (one day).");

export const abandonmentDelaySchema = z.coerce
  .number({ message: "Give a number of hours." })
  .int("Whole hours only.")
  .min(MIN_ABANDONMENT_DELAY_HOURS, `At least ${MIN_ABANDONMENT_DELAY_HOURS} hour.`)
  .max(MAX_ABANDONMENT_DELAY_HOURS, `At most ${MAX_ABANDONMENT_DELAY_HOURS} hours (30 days).`);

/** How many requests the sync may have waiting on Magento at once (the ceiling of the client's adaptive budget). */
export const maxRequestsInFlightSchema = z.coerce
  .number({ message: "Give a number of requests." })
  .int("Whole requests only.")
  .min(MIN_MAX_REQUESTS_IN_FLIGHT, `At least ${MIN_MAX_REQUESTS_IN_FLIGHT} request in flight.`)
  .max(MAX_MAX_REQUESTS_IN_FLIGHT, `At most ${MAX_MAX_REQUESTS_IN_FLIGHT} requests in flight.`);

export const CREDENTIAL_FIELDS = ["token", "consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"] as const;
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];
const OAUTH_FIELDS = ["consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"] as const;

/** What each entity needs, in words (shown next to its checkbox). */
export const ENTITY_DEPENDENCIES: Record<ChannelEntity, string> = {
  customers: "Accounts and their addresses. Carts, orders and subscribers link to them when they are synced too.",
  carts: "Without customers, carts still sync, but every cart shows as a guest's (no link to the account).",
  orders: "Without carts, orders cannot mark their cart as purchased; without customers they show as guests.",
  credit_memos: "Refunds attach to their order: sync orders too, or credit memos are listed without one.",
  newsletter_subscribers: "Without customers, subscribers are listed by email only (no link to the account).",
};

/** Empty form strings mean "not given". */
const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalText = z.preprocess(blank, z.string().optional());
const list = z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.string()));
const checkbox = z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean());

export function defaultSyncStartDate(now = new Date()): string {
  const date = new Date(Date.UTC(now.getUTCFullYear() - 2, now.getUTCMonth(), now.getUTCDate()));
  return date.toISOString().slice(0, 10);
}

const emailSchema = z.email("Not an email address.");

/** The form, as the server reads it. Secrets are optional here: see resolveCredentials. */
export const channelSettingsFields = z.object({
  id: z.preprocess(blank, z.coerce.number().int().positive().optional()),
  name: channelNameSchema,
  baseUrl: z.preprocess((v) => (typeof v === "string" ? v.trim() : v), baseUrlSchema),
  authType: z.enum(["bearer", "oauth1"], { message: "Choose how the portal signs in to Magento." }),
  token: optionalText,
  consumerKey: optionalText,
  consumerSecret: optionalText,
  accessToken: optionalText,
  accessTokenSecret: optionalText,
  storeCode: z.preprocess((v) => blank(v) ?? "default", storeCodeSchema),
  adminUrl: z.preprocess(blank, z.url({ protocol: /^https?$/, message: "Give the admin's http(s) URL, or leave it empty." }).optional()),
  websites: z.preprocess((v) => blank(v) ?? "all", z.enum(["all", "selected"])),
  websiteIds: list.pipe(z.array(z.string().regex(/^\d+$/, "Not a website id.").transform(Number))),
  guestMode: z.preprocess((v) => blank(v) ?? "per_email", z.enum(["per_email", "per_email_and_name"])),
  sharedGuestEmails: z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(/[\s,;]+/)
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean)
        : [],
    z.array(z.string()).superRefine((emails, ctx) => {
      const bad = emails.filter((email) => !emailSchema.safeParse(email).success);
      if (bad.length) ctx.addIssue({ code: "custom", message: `Not email addresses: ${bad.slice(0, 5).join(", ")}.` });
    }),
  ),
  syncStartDate: z.preprocess((v) => blank(v) ?? defaultSyncStartDate(), syncStartSchema),
  syncIntervalMinutes: z.preprocess((v) => blank(v) ?? "15", intervalMinutesSchema),
  cartExpirationDays: z.preprocess(
    blank,
    z.coerce
      .number({ message: "Give a number of days." })
      .int("Whole days only.")
      .min(1, "At least 1 day.")
      .max(3650, "At most 3650 days.")
      .optional(),
  ),
  abandonmentDelayHours: z.preprocess((v) => blank(v) ?? String(DEFAULT_ABANDONMENT_DELAY_HOURS), abandonmentDelaySchema),
  entities: list.pipe(
    z.array(z.enum(CHANNEL_ENTITIES, { message: "Unknown entity." })).min(1, "Choose at least one kind of record to sync."),
  ),
  twoWaySync: checkbox,
  groupByCompany: checkbox,
  syncPriority: z.preprocess((v) => blank(v) ?? "magento", z.enum(["magento", "portal"])),
  maxRequestsPerSecond: z.preprocess(
    (v) => blank(v) ?? "16",
    z.coerce.number({ message: "Give a number." }).int("Whole requests only.").min(1, "At least 1.").max(100, "At most 100."),
  ),
  maxRequestsInFlight: z.preprocess((v) => blank(v) ?? String(DEFAULT_MAX_REQUESTS_IN_FLIGHT), maxRequestsInFlightSchema),
  active: checkbox,
  /** The "Save anyway" checkbox: which warnings the admin saw and accepted (confirmationValue). */
  [CONFIRM_FIELD]: optionalText,
});

export const channelSettingsSchema = channelSettingsFields.superRefine((input, ctx) => {
  if (input.websites === "selected" && input.websiteIds.length === 0) {
    ctx.addIssue({ code: "custom", path: ["websiteIds"], message: "Choose at least one website, or sync all of them." });
  }
  if (input.syncStartDate > new Date().toISOString().slice(0, 10)) {
    ctx.addIssue({ code: "custom", path: ["syncStartDate"], message: "The start date cannot be in the future." });
  }
});
export type ChannelSettingsInput = z.infer<typeof channelSettingsSchema>;

export class ChannelSettingsError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "ChannelSettingsError";
  }
}

/** A channel's stored credentials and the base URL they were saved for. */
export type SavedCredentials = { baseUrl: string; credentials: ChannelCredentials | null };

/**
 * The credentials to use: the typed ones, completed by the saved ones where a secret was left
 * empty (edit, same auth type), but only while the base URL stays at the origin they were saved
 * for (credentialsFollow): a changed scheme, host or port needs them typed again. Throws
 * ChannelSettingsError naming the missing fields, and why when the address moved.
 */
export function resolveCredentials(
  input: Pick<ChannelSettingsInput, "authType" | "baseUrl" | CredentialField>,
  saved: SavedCredentials | null,
): ChannelCredentials {
  const moved = saved?.credentials != null && !credentialsFollow(saved.baseUrl, input.baseUrl);
  const usable = moved ? null : (saved?.credentials ?? null);
  // Said when the saved value would have been used but the address moved.
  const movedReason = (what: string) =>
    `The base URL now points to ${urlOrigin(input.baseUrl) ?? "another address"} instead of ${urlOrigin(saved!.baseUrl)}: enter ${what} again (saved secrets are only sent to the address they were saved for).`;
  if (input.authType === "bearer") {
    const token = input.token ?? (usable?.type === "bearer" ? usable.token : undefined);
    if (!token) {
      if (moved && saved?.credentials?.type === "bearer") {
        throw new ChannelSettingsError(movedReason("the access token"), { token: [movedReason("the access token")] });
      }
      throw new ChannelSettingsError("Enter the access token.", { token: ["Enter the integration's access token."] });
    }
    return { type: "bearer", token };
  }
  const old = usable?.type === "oauth1" ? usable : null;
  const values = Object.fromEntries(OAUTH_FIELDS.map((field) => [field, input[field] ?? old?.[field]])) as Record<
    (typeof OAUTH_FIELDS)[number],
    string | undefined
  >;
  const missing = OAUTH_FIELDS.filter((field) => !values[field]);
  if (missing.length) {
    const reason = moved && saved?.credentials?.type === "oauth1" ? movedReason("the four OAuth 1.0a values") : null;
    throw new ChannelSettingsError(
      reason ?? "Enter all four OAuth 1.0a values of the integration.",
      Object.fromEntries(missing.map((field) => [field, [reason ?? "Required for OAuth 1.0a."]])),
    );
  }
  return { type: "oauth1", ...(values as Record<(typeof OAUTH_FIELDS)[number], string>) };
}

/** Which secrets a channel has, for the form's "set" badges. Never the values. */
export function credentialsPresence(stored: string | null): Record<CredentialField, boolean> {
  const none = { token: false, consumerKey: false, consumerSecret: false, accessToken: false, accessTokenSecret: false };
  if (!stored) return none;
  try {
    const credentials = openCredentials(stored);
    if (credentials.type === "bearer") return { ...none, token: true };
    return { ...none, consumerKey: true, consumerSecret: true, accessToken: true, accessTokenSecret: true };
  } catch {
    return none;
  }
}

/** The save was stopped before writing anything: `warnings` need the admin's confirmation. */
export class ChannelSaveNeedsConfirmation extends ChannelSettingsError {
  constructor(readonly warnings: SaveWarning[]) {
    super(
      `Not saved yet: ${warnings.length === 1 ? "read the warning" : "read the warnings"} next to the save button, then tick “Save anyway” to save all the same, or change the settings.`,
      { [CONFIRM_FIELD]: warnings.map((warning) => warning.message) },
    );
    this.name = "ChannelSaveNeedsConfirmation";
  }
}

type ChannelRow = typeof channels.$inferSelect;

/** The settings an audit entry compares (never the credentials blob). */
function auditable(row: ChannelRow) {
  return {
    name: row.name,
    baseUrl: row.baseUrl,
    storeCode: row.storeCode,
    adminUrl: row.adminUrl,
    authType: row.authType,
    active: row.active,
    twoWaySync: row.twoWaySync,
    groupByCompany: row.groupByCompany,
    syncPriority: row.syncPriority,
    websiteOriginIds: row.websiteOriginIds,
    guestMode: row.guestMode,
    sharedGuestEmails: row.sharedGuestEmails,
    syncStartDate: row.syncStartDate,
    syncIntervalMinutes: row.syncIntervalMinutes,
    maxRequestsPerSecond: row.maxRequestsPerSecond,
    maxRequestsInFlight: row.maxRequestsInFlight,
    cartExpirationDays: row.cartExpirationDays,
    abandonmentDelayHours: row.abandonmentDelayHours,
    entities: row.entities,
  };
}

function diff(before: Record<string, unknown> | null, after: Record<string, unknown>) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before ? before[key] : null;
    if (JSON.stringify(old ?? null) !== JSON.stringify(value ?? null)) changes[key] = { from: old ?? null, to: value ?? null };
  }
  return changes;
}

export type SaveResult = {
  id: number;
  name: string;
  created: boolean;
  active: boolean;
  notices: string[];
  /** Connectors whose history the next sync walks again (a data-affecting change): the caller starts that sync. */
  resetConnectors: ChannelEntity[];
};

/**
 * Creates (no id) or updates a channel. Throws ChannelSettingsError with field errors, and
 * ChannelSaveNeedsConfirmation when another channel syncs the same store view (checked on create,
 * and on edit only when the URL or store code changes: an existing pair was confirmed already)
 * or when `warnings` (the caller's connection check) are not all confirmed by the input.
 */
export async function saveChannelSettings(
  db: Db,
  input: ChannelSettingsInput,
  actor: Actor,
  options: { warnings?: SaveWarning[] } = {},
): Promise<SaveResult> {
  return db.transaction(async (tx) => {
    let existing: ChannelRow | null = null;
    if (input.id !== undefined) {
      const [row] = await tx
        .select()
        .from(channels)
        .where(and(eq(channels.id, input.id), isNull(channels.deletingAt)))
        .for("update");
      if (!row) throw new ChannelSettingsError("This channel no longer exists (it may have been deleted).");
      existing = row;
    }
    const [clash] = await tx
      .select({ id: channels.id })
      .from(channels)
      .where(existing ? and(eq(channels.name, input.name), ne(channels.id, existing.id)) : eq(channels.name, input.name));
    if (clash)
      throw new ChannelSettingsError("Please correct the highlighted fields.", { name: ["Another channel already has this name."] });

    const identityChanged =
      !existing || channelIdentity(existing.baseUrl, existing.storeCode).key !== channelIdentity(input.baseUrl, input.storeCode).key;
    // Only the oldest is named: one is enough to act on, and the message (which the confirmation
    // is bound to) stays the same when more duplicates appear.
    const [sameStore] = identityChanged
      ? await findSameStoreChannels(tx, { baseUrl: input.baseUrl, storeCode: input.storeCode, excludeId: existing?.id })
      : [];
    const warnings = [...(sameStore ? [duplicateWarning(sameStore)] : []), ...(options.warnings ?? [])];
    if (!warningsConfirmed(warnings, input[CONFIRM_FIELD])) throw new ChannelSaveNeedsConfirmation(warnings);

    let saved: ChannelCredentials | null = null;
    if (existing?.credentialsEncrypted) {
      try {
        saved = openCredentials(existing.credentialsEncrypted);
      } catch {
        saved = null; // unreadable (key changed): the admin must type them again
      }
    }
    const credentials = resolveCredentials(input, existing ? { baseUrl: existing.baseUrl, credentials: saved } : null);
    const secretsChanged = CREDENTIAL_FIELDS.some((field) => input[field] !== undefined) || saved?.type !== credentials.type;

    const values = {
      name: input.name,
      baseUrl: input.baseUrl.replace(/\/+$/, ""),
      storeCode: input.storeCode,
      adminUrl: input.adminUrl ? input.adminUrl.replace(/\/+$/, "") : null,
      authType: credentials.type,
      ...(secretsChanged || !existing?.credentialsEncrypted ? { credentialsEncrypted: sealCredentials(credentials) } : {}),
      active: input.active,
      // Switched on again: the reason the sync stopped it no longer applies.
      ...(input.active ? { stoppedReason: null, stoppedAt: null } : {}),
      twoWaySync: input.twoWaySync,
      groupByCompany: input.groupByCompany,
      syncPriority: input.syncPriority,
      websiteOriginIds: input.websites === "all" ? null : [...new Set(input.websiteIds)].sort((a, b) => a - b),
      guestMode: input.guestMode,
      sharedGuestEmails: [...new Set(input.sharedGuestEmails)],
      syncStartDate: input.syncStartDate,
      syncIntervalMinutes: input.syncIntervalMinutes,
      maxRequestsPerSecond: input.maxRequestsPerSecond,
      maxRequestsInFlight: input.maxRequestsInFlight,
      cartExpirationDays: input.cartExpirationDays ?? null,
      abandonmentDelayHours: input.abandonmentDelayHours,
      entities: CHANNEL_ENTITIES.filter((entity) => input.entities.includes(entity)),
    } satisfies Partial<typeof channels.$inferInsert>;

    const [row] = existing
      ? await tx
          .update(channels)
          .set({ ...values, updatedAt: new Date() })
          .where(eq(channels.id, existing.id))
          .returning()
      : await tx.insert(channels).values(values).returning();
    const channel = row!;

    const impact = dataImpact(existing, channel);
    if (impact.resetConnectors.length) await resetInitialCheckpoints(tx, channel.id, impact.resetConnectors);

    const changes: Record<string, { from: unknown; to: unknown }> = diff(existing ? auditable(existing) : null, auditable(channel));
    // The Audit Log renders changes as from → to: secrets appear only as these words.
    if (secretsChanged)
      changes.credentials = { from: existing?.credentialsEncrypted ? "[redacted]" : null, to: existing ? "replaced" : "[redacted]" };
    await writeAudit(tx, {
      userId: actor.userId,
      actor: actor.actor,
      action: existing ? "channel.updated" : "channel.created",
      entityType: "channel",
      entityId: channel.id,
      channelId: channel.id,
      ip: actor.ip ?? null,
      details: {
        changes,
        // Which secrets were replaced, never their values.
        credentials: secretsChanged
          ? { from: existing ? "[redacted]" : null, to: "[redacted]", fields: CREDENTIAL_FIELDS.filter((f) => input[f] !== undefined) }
          : "unchanged",
        ...(impact.resetConnectors.length ? { resetInitialCheckpoints: impact.resetConnectors } : {}),
        // Saved over warnings the admin confirmed ("Save anyway"), in the words they were shown.
        ...(warnings.length ? { confirmedOverWarnings: warnings.map((warning) => warning.message) } : {}),
      },
    });
    return {
      id: channel.id,
      name: channel.name,
      created: !existing,
      active: channel.active,
      notices: impact.notices,
      resetConnectors: impact.resetConnectors,
    };
  });
}
