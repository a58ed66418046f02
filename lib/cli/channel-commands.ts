import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { defineCommand, option } from "@/lib/cli/command";
import { CliError, UsageError } from "@/lib/cli/errors";
import { countOf } from "@/lib/format/count";
import { INVOCATION } from "@/lib/cli/help";
import { formatTable } from "@/lib/cli/table";
import { writeAudit } from "@/lib/audit/log";
import { DEFAULT_ABANDONMENT_DELAY_HOURS } from "@/lib/sync/rules/abandoned-carts";
import { DEFAULT_MAX_REQUESTS_IN_FLIGHT } from "@/lib/sync/channel-client";
import { credentialsFollow, sealCredentials, type ChannelCredentials } from "@/lib/secrets/channel-credentials";
import { findSameStoreChannels } from "@/lib/channels/duplicates";
import { sameStoreView } from "@/lib/channels/identity";
import { duplicateWarning } from "@/lib/channels/save-warnings";
import {
  abandonmentDelaySchema,
  baseUrlSchema,
  channelNameSchema,
  intervalMinutesSchema,
  maxRequestsInFlightSchema,
  storeCodeSchema,
  syncStartSchema,
} from "@/lib/channels/settings";
import { sendJobEvent } from "@/lib/jobs/dispatch";
import { CHANNEL_SYNC_REQUESTED } from "@/lib/jobs/events";
import { inngestConfigured } from "@/lib/jobs/settings";
import { ensureSecrets } from "@/lib/secrets/keys";
import { channelBusyMessage, SyncBusyError } from "@/lib/sync/lease";
import { retryFailedRecords } from "@/lib/sync/retry";
import { runChannelSync, scheduledMode, type SyncProgress } from "@/lib/sync/runner";
import { latestRun, listErrors, listRuns, requestCancel, statsOf, type SyncRunRow } from "@/lib/sync/runs";
import { CONNECTOR_ORDER } from "@/lib/sync/types";
import { safeErrorMessage } from "@/db/errors";

// channel:* commands: add and list Magento channels, start a sync (queued on Inngest, or run here
// with live progress), and read its runs and errors. The parser has no positionals, so the channel
// is named with --name. Secrets are sealed with sealCredentials and never printed. channel:add
// refuses a second channel of one store view (figures would be doubled) unless --force is given;
// it does not call Magento, so there is no connection check to confirm here.

const channelName = option.required(channelNameSchema, { placeholder: "name", description: "The channel's name." });
const secret = (description: string) =>
  option.optional(z.string().min(1, "It must not be empty."), { placeholder: "value", secret: true, description });
const groupByCompanyOption = option.optional(
  z.enum(["yes", "no"], { message: "Say yes or no." }).transform((value) => value === "yes"),
  {
    placeholder: "yes|no",
    description:
      "Whether customers with a company join that company's account in this channel (default yes); applies to customers synced from then on.",
  },
);

const abandonmentDelayOption = option.optional(abandonmentDelaySchema, {
  placeholder: "hours",
  description: `Hours without a change in Magento after which a cart with items and an email counts as abandoned (1-720, default ${DEFAULT_ABANDONMENT_DELAY_HOURS}).`,
});
const maxInFlightOption = option.optional(maxRequestsInFlightSchema, {
  placeholder: "n",
  description: `How many requests the sync may have waiting on Magento at once (1-32, default ${DEFAULT_MAX_REQUESTS_IN_FLIGHT}); lower it for a small or fragile store.`,
});
const limitOption = option.optional(z.coerce.number().int().min(1).max(1000), {
  placeholder: "n",
  description: "How many rows to show (default 20).",
});

function formatTimestamp(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "-";
}

function formatDuration(run: SyncRunRow): string {
  if (!run.startedAt) return "-";
  const ms = (run.finishedAt ?? new Date()).getTime() - run.startedAt.getTime();
  return ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

async function requireChannel(db: Db, name: string) {
  const [channel] = await db.select().from(channels).where(eq(channels.name, name));
  if (!channel) throw new CliError(`No channel named "${name}". See \`${INVOCATION} channel:list\`.`);
  return channel;
}

const addCommand = defineCommand({
  name: "channel:add",
  summary: "Connect a Magento store (a bearer token or OAuth 1.0a integration keys).",
  options: {
    name: channelName,
    url: option.required(baseUrlSchema, {
      placeholder: "url",
      description: "The store's base URL, e.g. https://shop.example.com.",
    }),
    token: secret("Integration access token used as a bearer token."),
    "consumer-key": secret("OAuth 1.0a consumer key (with the three other OAuth options)."),
    "consumer-secret": secret("OAuth 1.0a consumer secret."),
    "access-token": secret("OAuth 1.0a access token."),
    "access-token-secret": secret("OAuth 1.0a access token secret."),
    "store-code": option.optional(storeCodeSchema, {
      placeholder: "code",
      description: 'Magento store code in the REST path (default "default").',
    }),
    "sync-start": option.optional(syncStartSchema, {
      placeholder: "YYYY-MM-DD",
      description: "Oldest changes the first sync fetches (default: everything).",
    }),
    "interval-minutes": option.optional(intervalMinutesSchema, {
      placeholder: "minutes",
      description: "Minutes between scheduled syncs (default 5).",
    }),
    "abandonment-delay-hours": abandonmentDelayOption,
    "max-in-flight": maxInFlightOption,
    "group-by-company": groupByCompanyOption,
    "two-way": option.flag(
      "Send portal edits (customers, subscriptions) to Magento from the start (two-way sync; Magento wins conflicts).",
    ),
    force: option.flag("Add it even though another channel already syncs this URL and store code (every figure would be counted twice)."),
  },
  examples: [`${INVOCATION} channel:add --name main --url https://shop.example.com --token <integration-token> --sync-start 2024-01-01`],
  async run(values, ctx) {
    const credentials = credentialsFromOptions(values, "channel:add");
    if (!credentials) {
      throw new UsageError(
        "Give --token, or all of --consumer-key, --consumer-secret, --access-token and --access-token-secret.",
        "channel:add",
      );
    }
    const db = await ctx.db();
    const [existing] = await db.select({ id: channels.id }).from(channels).where(eq(channels.name, values.name));
    if (existing) throw new CliError(`A channel named "${values.name}" already exists.`);
    const storeCode = values["store-code"] ?? "default";
    const [sameStore] = await findSameStoreChannels(db, { baseUrl: values.url, storeCode });
    if (sameStore) {
      const { message } = duplicateWarning(sameStore);
      if (!values.force) throw new CliError(`${message} Nothing was added. To add it all the same, run the command again with --force.`);
      ctx.err(`Warning: ${message} Added anyway (--force).`);
    }
    ensureSecrets();
    const [channel] = await db
      .insert(channels)
      .values({
        name: values.name,
        baseUrl: values.url.replace(/\/+$/, ""),
        storeCode,
        authType: credentials.type,
        credentialsEncrypted: sealCredentials(credentials),
        syncStartDate: values["sync-start"] ?? null,
        ...(values["interval-minutes"] ? { syncIntervalMinutes: values["interval-minutes"] } : {}),
        ...(values["abandonment-delay-hours"] ? { abandonmentDelayHours: values["abandonment-delay-hours"] } : {}),
        ...(values["max-in-flight"] !== undefined ? { maxRequestsInFlight: values["max-in-flight"] } : {}),
        ...(values["two-way"] ? { twoWaySync: true } : {}),
        ...(values["group-by-company"] !== undefined ? { groupByCompany: values["group-by-company"] } : {}),
      })
      .returning();
    ctx.out(
      `Added channel "${channel!.name}" (${channel!.baseUrl}, store ${channel!.storeCode}, ${credentials.type === "bearer" ? "bearer token" : "OAuth 1.0a"}${channel!.twoWaySync ? ", two-way sync on" : ""}).`,
    );
    ctx.out(`Sync it now with: ${INVOCATION} channel:sync --name ${JSON.stringify(channel!.name)} --wait`);
  },
});

/**
 * The credentials given on the command line: none, a token, or all four OAuth values (a usage
 * error otherwise). Shared by channel:add (which needs them) and channel:edit (which may replace them).
 */
function credentialsFromOptions(
  values: { token?: string; "consumer-key"?: string; "consumer-secret"?: string; "access-token"?: string; "access-token-secret"?: string },
  command: string,
): ChannelCredentials | null {
  const oauth = [values["consumer-key"], values["consumer-secret"], values["access-token"], values["access-token-secret"]];
  const oauthGiven = oauth.filter((v) => v !== undefined).length;
  if (values.token !== undefined && oauthGiven > 0) throw new UsageError("Give either --token or the OAuth options, not both.", command);
  if (values.token !== undefined) return { type: "bearer", token: values.token };
  if (oauthGiven === 0) return null;
  if (oauthGiven !== 4) {
    throw new UsageError("Give all of --consumer-key, --consumer-secret, --access-token and --access-token-secret.", command);
  }
  return { type: "oauth1", consumerKey: oauth[0]!, consumerSecret: oauth[1]!, accessToken: oauth[2]!, accessTokenSecret: oauth[3]! };
}

/** Changes the settings a terminal user tunes after adding a channel; the rest is in System › Integrations. */
const editCommand = defineCommand({
  name: "channel:edit",
  summary: "Change a channel's URL, credentials, sync interval, abandonment delay or requests in flight.",
  options: {
    name: channelName,
    url: option.optional(baseUrlSchema, {
      placeholder: "url",
      description: "A new base URL. At another scheme, host or port, give the credentials again (--token or the four OAuth options).",
    }),
    token: secret("A new integration access token (bearer)."),
    "consumer-key": secret("A new OAuth 1.0a consumer key (with the three other OAuth options)."),
    "consumer-secret": secret("A new OAuth 1.0a consumer secret."),
    "access-token": secret("A new OAuth 1.0a access token."),
    "access-token-secret": secret("A new OAuth 1.0a access token secret."),
    "interval-minutes": option.optional(intervalMinutesSchema, { placeholder: "minutes", description: "Minutes between scheduled syncs." }),
    "abandonment-delay-hours": abandonmentDelayOption,
    "max-in-flight": maxInFlightOption,
    "group-by-company": groupByCompanyOption,
    force: option.flag("Save the new URL even though another channel already syncs this URL and store code."),
  },
  examples: [
    `${INVOCATION} channel:edit --name main --abandonment-delay-hours 48`,
    `${INVOCATION} channel:edit --name main --max-in-flight 3`,
    `${INVOCATION} channel:edit --name main --url https://shop2.example.com --token <integration-token>`,
  ],
  async run(values, ctx) {
    const credentials = credentialsFromOptions(values, "channel:edit");
    const baseUrl = values.url?.replace(/\/+$/, "");
    const changes = {
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(values["interval-minutes"] !== undefined ? { syncIntervalMinutes: values["interval-minutes"] } : {}),
      ...(values["abandonment-delay-hours"] !== undefined ? { abandonmentDelayHours: values["abandonment-delay-hours"] } : {}),
      ...(values["max-in-flight"] !== undefined ? { maxRequestsInFlight: values["max-in-flight"] } : {}),
      ...(values["group-by-company"] !== undefined ? { groupByCompany: values["group-by-company"] } : {}),
    };
    if (Object.keys(changes).length === 0 && !credentials) {
      throw new UsageError("Give at least one setting to change, e.g. --abandonment-delay-hours 48.", "channel:edit");
    }
    const db = await ctx.db();
    const channel = await requireChannel(db, values.name);
    if (baseUrl !== undefined && channel.credentialsEncrypted && !credentials && !credentialsFollow(channel.baseUrl, baseUrl)) {
      throw new CliError(
        `${baseUrl} is at another address than ${channel.baseUrl} (scheme, host or port), and the saved credentials are only sent ` +
          "to the address they were given for. Give them again with --token (or the four OAuth options). Nothing was changed.",
      );
    }
    if (baseUrl !== undefined && !sameStoreView({ baseUrl, storeCode: channel.storeCode }, channel)) {
      const [sameStore] = await findSameStoreChannels(db, { baseUrl, storeCode: channel.storeCode, excludeId: channel.id });
      if (sameStore) {
        const { message } = duplicateWarning(sameStore);
        if (!values.force)
          throw new CliError(`${message} Nothing was changed. To save it all the same, run the command again with --force.`);
        ctx.err(`Warning: ${message} Saved anyway (--force).`);
      }
    }
    if (credentials) ensureSecrets();
    await db.transaction(async (tx) => {
      await tx
        .update(channels)
        .set({
          ...changes,
          ...(credentials ? { authType: credentials.type, credentialsEncrypted: sealCredentials(credentials) } : {}),
          updatedAt: new Date(),
        })
        .where(eq(channels.id, channel.id));
      const diff: Record<string, { from: unknown; to: unknown }> = Object.fromEntries(
        Object.entries(changes).map(([key, to]) => [key, { from: channel[key as keyof typeof changes], to }]),
      );
      // Secrets appear only as these words, as in the form's audit entries.
      if (credentials) diff.credentials = { from: channel.credentialsEncrypted ? "[redacted]" : null, to: "replaced" };
      await writeAudit(tx, {
        userId: null,
        actor: "cli",
        action: "channel.updated",
        entityType: "channel",
        entityId: channel.id,
        channelId: channel.id,
        details: {
          changes: diff,
          credentials: credentials ? { from: "[redacted]", to: "[redacted]", type: credentials.type } : "unchanged",
        },
      });
    });
    const said = [
      ...(changes.baseUrl !== undefined ? [`URL ${changes.baseUrl}`] : []),
      ...(credentials ? [credentials.type === "bearer" ? "new access token" : "new OAuth 1.0a keys"] : []),
      ...(changes.syncIntervalMinutes !== undefined ? [`syncs every ${changes.syncIntervalMinutes} min`] : []),
      ...(changes.abandonmentDelayHours !== undefined
        ? [`carts count as abandoned after ${changes.abandonmentDelayHours} h without a change`]
        : []),
      ...(changes.maxRequestsInFlight !== undefined ? [`at most ${changes.maxRequestsInFlight} requests in flight`] : []),
      ...(changes.groupByCompany !== undefined
        ? [changes.groupByCompany ? "customers with a company join its account" : "one account per person, company or not"]
        : []),
    ];
    ctx.out(`Updated "${channel.name}": ${said.join("; ")}.`);
  },
});

const listCommand = defineCommand({
  name: "channel:list",
  summary: "List Magento channels with their last sync.",
  options: {},
  examples: [`${INVOCATION} channel:list`],
  async run(_values, ctx) {
    const db = await ctx.db();
    const rows = await db.select().from(channels).orderBy(channels.name);
    if (rows.length === 0) {
      ctx.out(`No channels yet. Add one with: ${INVOCATION} channel:add --name main --url https://shop.example.com --token <token>`);
      return;
    }
    const table: string[][] = [];
    for (const c of rows) {
      const last = await latestRun(db, c.id);
      table.push([
        c.name,
        c.baseUrl,
        c.storeCode,
        c.authType,
        c.active ? "active" : "inactive",
        `${c.syncIntervalMinutes}m`,
        last ? `${last.status} ${formatTimestamp(last.startedAt ?? last.createdAt)}` : "not synced yet",
      ]);
    }
    ctx.out(formatTable(["NAME", "URL", "STORE", "AUTH", "STATUS", "INTERVAL", "LAST SYNC"], table));
  },
});

function progressLine(p: SyncProgress): string {
  const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "…");
  const window = p.window.from || p.window.to ? ` ${day(p.window.from)}..${day(p.window.to)}` : "";
  return `${p.connector.padEnd(22)} page ${String(p.page).padStart(4)}${window}  fetched ${p.fetched}  created ${p.created}  updated ${p.updated}  unchanged ${p.unchanged}  failed ${p.failed}${p.connectorFinished ? "  done" : ""}`;
}

function summary(run: SyncRunRow): string[] {
  const rows = CONNECTOR_ORDER.filter((name) => run.stats[name]).map((name) => {
    const s = statsOf(run, name);
    return [
      name,
      String(s.pages),
      String(s.fetched),
      String(s.created),
      String(s.updated),
      String(s.unchanged),
      String(s.failed),
      String(s.requests),
    ];
  });
  return [
    formatTable(["CONNECTOR", "PAGES", "FETCHED", "CREATED", "UPDATED", "UNCHANGED", "FAILED", "REQUESTS"], rows),
    `Run #${run.id} ${run.status}: ${countOf(run.recordsChanged, "record")} changed, ${countOf(run.errorCount, "error")}, ${formatDuration(run)}.${run.errorMessage ? ` ${run.errorMessage}` : ""}`,
  ];
}

const syncCommand = defineCommand({
  name: "channel:sync",
  summary: "Sync a channel now (initial until it completed, then incremental).",
  options: {
    name: channelName,
    full: option.flag("Walk everything again from the sync start date (ignores the initial checkpoints)."),
    wait: option.flag("Run here and print progress; exit 0 only if the sync succeeded."),
  },
  examples: [`${INVOCATION} channel:sync --name main --wait`, `${INVOCATION} channel:sync --name main --full --wait`],
  async run({ name, full, wait }, ctx) {
    const db = await ctx.db();
    const channel = await requireChannel(db, name);
    const mode = full ? "full" : await scheduledMode(db, channel);
    if (!wait && inngestConfigured()) {
      await sendJobEvent({ name: CHANNEL_SYNC_REQUESTED, data: { channelId: channel.id, mode, trigger: "cli" } });
      ctx.out(
        `Queued ${mode === "full" ? "a" : "an"} ${mode} sync of "${channel.name}" on Inngest. Follow it with: ${INVOCATION} channel:runs --name ${JSON.stringify(channel.name)}`,
      );
      return;
    }
    if (!wait) ctx.err("No Inngest server configured (no INNGEST_ variable set): running the sync here.");
    ensureSecrets();
    const controller = new AbortController();
    const onSignal = () => {
      ctx.err("Stopping after the current page…");
      controller.abort();
    };
    process.once("SIGINT", onSignal);
    let run: SyncRunRow;
    try {
      ctx.out(`Starting ${mode === "full" ? "a" : "an"} ${mode} sync of "${channel.name}".`);
      run = await runChannelSync({
        db,
        channelId: channel.id,
        mode,
        trigger: "cli",
        signal: controller.signal,
        onProgress: (p) => ctx.out(progressLine(p)),
      });
    } catch (error) {
      if (error instanceof SyncBusyError) throw new CliError(channelBusyMessage(channel.name, error.holder));
      const [failed] = await listRuns(db, channel.id, 1);
      if (failed) for (const line of summary(failed)) ctx.err(line);
      throw new CliError(`Sync failed: ${safeErrorMessage(error)}`);
    } finally {
      process.off("SIGINT", onSignal);
    }
    for (const line of summary(run)) ctx.out(line);
    if (run.status === "partial")
      ctx.out(`Some records could not be kept: ${INVOCATION} channel:errors --name ${JSON.stringify(channel.name)}`);
    if (run.status !== "succeeded") throw new CliError(`Sync ${run.status}.`, run.status === "canceled" ? 130 : 1);
  },
});

const runsCommand = defineCommand({
  name: "channel:runs",
  summary: "Show a channel's recent syncs.",
  options: { name: channelName, limit: limitOption },
  examples: [`${INVOCATION} channel:runs --name main`],
  async run({ name, limit }, ctx) {
    const db = await ctx.db();
    const channel = await requireChannel(db, name);
    const runs = await listRuns(db, channel.id, limit ?? 20);
    if (runs.length === 0) {
      ctx.out(`"${channel.name}" has not synced yet.`);
      return;
    }
    ctx.out(
      formatTable(
        ["RUN", "MODE", "TRIGGER", "STATUS", "STARTED", "DURATION", "CHANGED", "ERRORS", "MESSAGE"],
        runs.map((r) => [
          `#${r.id}`,
          r.mode,
          r.trigger,
          r.status,
          formatTimestamp(r.startedAt),
          formatDuration(r),
          String(r.recordsChanged),
          String(r.errorCount),
          r.errorMessage ?? "",
        ]),
      ),
    );
  },
});

const errorsCommand = defineCommand({
  name: "channel:errors",
  summary: "Show records a channel's syncs could not keep.",
  options: {
    name: channelName,
    run: option.optional(z.coerce.number().int().positive(), { placeholder: "id", description: "Only this run's errors." }),
    limit: limitOption,
  },
  examples: [`${INVOCATION} channel:errors --name main`, `${INVOCATION} channel:errors --name main --run 12`],
  async run({ name, run, limit }, ctx) {
    const db = await ctx.db();
    const channel = await requireChannel(db, name);
    const errors = await listErrors(db, channel.id, { runId: run, limit: limit ?? 20 });
    if (errors.length === 0) {
      ctx.out(`No sync errors for "${channel.name}".`);
      return;
    }
    ctx.out(
      formatTable(
        ["ERROR", "TIME", "RUN", "CONNECTOR", "ORIGIN ID", "FIELD", "STATUS", "MESSAGE"],
        errors.map((e) => [
          `#${e.id}`,
          formatTimestamp(e.createdAt),
          e.runId ? `#${e.runId}` : "-",
          e.connector,
          e.originId ?? "-",
          e.field ?? "-",
          e.resolvedAt ? `resolved ${formatTimestamp(e.resolvedAt)}` : "unresolved",
          e.message.length > 120 ? `${e.message.slice(0, 117)}...` : e.message,
        ]),
      ),
    );
    const open = errors.filter((e) => !e.resolvedAt).length;
    if (open > 0)
      ctx.out(
        `Retry the unresolved ones with: ${INVOCATION} channel:retry --name ${JSON.stringify(channel.name)}${run ? ` --run ${run}` : ""}`,
      );
  },
});

/** Fetches the records of unresolved sync errors again and keeps those that are valid now. */
const retryCommand = defineCommand({
  name: "channel:retry",
  summary: "Fetch the records of a channel's unresolved sync errors again and keep those now valid.",
  options: {
    name: channelName,
    run: option.optional(z.coerce.number().int().positive(), { placeholder: "id", description: "Only this run's errors." }),
  },
  examples: [`${INVOCATION} channel:retry --name main`, `${INVOCATION} channel:retry --name main --run 12`],
  async run({ name, run }, ctx) {
    const db = await ctx.db();
    const channel = await requireChannel(db, name);
    ensureSecrets();
    let result;
    try {
      result = await retryFailedRecords(db, { channelId: channel.id, runId: run });
    } catch (error) {
      if (error instanceof SyncBusyError) throw new CliError(channelBusyMessage(channel.name, error.holder));
      throw new CliError(`Retry failed: ${safeErrorMessage(error)}`);
    }
    if (result.retried === 0 && result.stillFailing.length === 0) {
      ctx.out(`No unresolved sync errors for "${channel.name}"${run ? ` in run #${run}` : ""}.`);
      return;
    }
    ctx.out(
      `Retried ${result.retried} record error${result.retried === 1 ? "" : "s"} of "${channel.name}": ${result.resolved} resolved, ${result.stillFailing.length} still failing.`,
    );
    if (result.stillFailing.length > 0) {
      ctx.out(
        formatTable(
          ["ERROR", "ORIGIN ID", "MESSAGE"],
          result.stillFailing.map((f) => [
            `#${f.errorId}`,
            f.originId ?? "-",
            f.message.length > 120 ? `${f.message.slice(0, 117)}...` : f.message,
          ]),
        ),
      );
      throw new CliError(`${result.stillFailing.length} error${result.stillFailing.length === 1 ? "" : "s"} still failing.`);
    }
  },
});

/** Asks a running sync to stop (the runner checks between pages). */
const cancelCommand = defineCommand({
  name: "channel:cancel",
  summary: "Stop a channel's running sync after its current page.",
  options: { name: channelName },
  examples: [`${INVOCATION} channel:cancel --name main`],
  async run({ name }, ctx) {
    const db = await ctx.db();
    const channel = await requireChannel(db, name);
    const running = (await listRuns(db, channel.id, 10)).filter((r) => r.status === "running" || r.status === "queued");
    if (running.length === 0) {
      ctx.out(`"${channel.name}" has no running sync.`);
      return;
    }
    for (const r of running) await requestCancel(db, r.id);
    ctx.out(`Asked run${running.length > 1 ? "s" : ""} ${running.map((r) => `#${r.id}`).join(", ")} to stop.`);
  },
});

export const channelCommands = [addCommand, editCommand, listCommand, syncCommand, runsCommand, errorsCommand, retryCommand, cancelCommand];
