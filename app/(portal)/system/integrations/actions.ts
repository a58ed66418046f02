"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { ActionFailure, protectedAction, type ActionContext, type ActionResult } from "@/lib/auth/action";
import { writeAudit } from "@/lib/audit/log";
import { checkConnection, type ConnectionCheck } from "@/lib/channels/check-connection";
import { connectionWarningOnSave, loadSavedConnection, type SavedConnection } from "@/lib/channels/connection-on-save";
import type { ChannelCredentials } from "@/lib/secrets/channel-credentials";
import { liveChannelName, markChannelDeleting, startChannelDeletion } from "@/lib/channels/delete";
import type { ChannelFormState, SaveData } from "@/lib/channels/form-state";
import { readForm } from "@/lib/http/form-data";
import {
  ChannelSettingsError,
  channelSettingsFields,
  channelSettingsSchema,
  CREDENTIAL_FIELDS,
  resolveCredentials,
  saveChannelSettings,
  type SaveResult,
} from "@/lib/channels/settings";
import { startSyncNow, SyncLaunchError } from "@/lib/sync/launch";
import { describeLeaseHolder, SyncBusyError } from "@/lib/sync/lease";
import { SyncRunError } from "@/lib/sync/runner";
import { countOf } from "@/lib/format/count";

// System › Integrations: create/edit a channel, check its connection, delete it. Each action
// checks the session and manage_integrations itself (protectedAction), validates with zod on
// the server and writes an audit entry; secrets never come back in a result.

const LIST_PATH = "/system/integrations";

function asFailure(error: unknown): never {
  if (error instanceof ChannelSettingsError) throw new ActionFailure(error.message, error.fieldErrors);
  throw error;
}

/**
 * After a save that changed what the channel syncs (websites, start date, new entities): start
 * that sync now rather than leave it to the schedule (which may be hours away, or off). Returns
 * the sentence saying what happened; a busy or unsyncable channel is a note, not a failure.
 */
async function syncAfterDataChange(
  db: ActionContext["db"],
  saved: SaveResult,
  user: ActionContext["user"],
  ip: string,
): Promise<{ notice: string; runId?: number }> {
  if (!saved.active) return { notice: "The channel is inactive: this happens at its first sync once it is active again." };
  try {
    const started = await startSyncNow(db, { channelId: saved.id, mode: "incremental", user });
    await writeAudit(db, {
      userId: user.id,
      actor: user.email,
      action: "sync.started",
      entityType: "sync_run",
      entityId: started.runId,
      channelId: saved.id,
      details: {
        mode: started.mode,
        requested: "incremental",
        via: started.via,
        reason: "settings changed",
        connectors: saved.resetConnectors,
      },
      ip,
    });
    revalidatePath("/system/sync-history");
    return { notice: `Sync #${started.runId} has started to do it now.`, runId: started.runId };
  } catch (error) {
    if (error instanceof SyncBusyError) {
      const holder = error.holder ? ` (${describeLeaseHolder(error.holder)})` : "";
      return { notice: `A sync of this channel is running now${holder}: the next one does it.` };
    }
    if (error instanceof SyncLaunchError || error instanceof SyncRunError)
      return { notice: `It could not start now (${error.message}); the next scheduled sync does it.` };
    throw error;
  }
}

export const saveChannelAction = protectedAction(
  "manage_integrations",
  channelSettingsSchema,
  async (input, { user, db, ip }): Promise<ActionResult<SaveData>> => {
    // The check runs before the save's transaction: it waits on Magento (up to its timeout).
    const connection = await connectionWarningOnSave(db, input).catch(asFailure);
    const saved = await saveChannelSettings(
      db,
      input,
      { userId: user.id, actor: user.email, ip },
      { warnings: connection ? [connection] : [] },
    ).catch(asFailure);
    const scheduled = saved.resetConnectors.length && !saved.created ? await syncAfterDataChange(db, saved, user, ip) : null;
    const notices = scheduled ? [...saved.notices, scheduled.notice] : saved.notices;
    revalidatePath(LIST_PATH);
    revalidatePath(`${LIST_PATH}/${saved.id}`);
    const what = saved.created ? `Created "${saved.name}".` : `Saved "${saved.name}".`;
    return {
      ok: true,
      message: [what, ...notices].join(" "),
      data: { id: saved.id, notices, ...(scheduled?.runId ? { runId: scheduled.runId } : {}) },
    };
  },
);

const checkSchema = channelSettingsFields.pick({
  id: true,
  baseUrl: true,
  storeCode: true,
  authType: true,
  token: true,
  consumerKey: true,
  consumerSecret: true,
  accessToken: true,
  accessTokenSecret: true,
});

export const checkConnectionAction = protectedAction(
  "manage_integrations",
  checkSchema,
  async (input, { user, db, ip }): Promise<ActionResult<Omit<Extract<ConnectionCheck, { ok: true }>, "ok">>> => {
    let saved: SavedConnection | null = null;
    if (input.id !== undefined) {
      saved = await loadSavedConnection(db, input.id);
      if (!saved) throw new ActionFailure("This channel no longer exists.");
    }
    let credentials: ChannelCredentials;
    try {
      // The saved secrets only go to the address they were saved for.
      credentials = resolveCredentials(input, saved);
    } catch (error) {
      asFailure(error);
    }
    const result = await checkConnection({ baseUrl: input.baseUrl, storeCode: input.storeCode, credentials });
    await writeAudit(db, {
      userId: user.id,
      actor: user.email,
      action: "channel.connection_checked",
      entityType: "channel",
      entityId: input.id,
      channelId: input.id,
      ip,
      details: {
        baseUrl: input.baseUrl,
        storeCode: input.storeCode,
        authType: credentials.type,
        result: result.ok ? "ok" : result.reason,
      },
    });
    if (!result.ok) return { ok: false, code: "failed", error: result.message };
    const found = `Connected: ${countOf(result.websites.length, "website")}, ${countOf(result.storeViews.length, "store view")}${result.baseCurrency ? `, base currency ${result.baseCurrency}` : ""}.`;
    return {
      ok: true,
      message: found,
      data: { websites: result.websites, storeViews: result.storeViews, baseCurrency: result.baseCurrency },
    };
  },
);

export const deleteChannelAction = protectedAction(
  "manage_integrations",
  z.object({ id: z.coerce.number().int().positive(), confirmName: z.string() }),
  async (input, { user, db, ip }): Promise<ActionResult> => {
    const name = await liveChannelName(db, input.id);
    if (name === null) throw new ActionFailure("This channel no longer exists.");
    if (input.confirmName.trim() !== name) {
      throw new ActionFailure("The name does not match; nothing was deleted.", { confirmName: [`Type "${name}" to confirm.`] });
    }
    const marked = await markChannelDeleting(db, input.id, { userId: user.id, actor: user.email, ip });
    if (!marked) throw new ActionFailure("This channel is already being deleted.");
    after(() => startChannelDeletion(db, input.id).then(() => undefined));
    revalidatePath(LIST_PATH);
    return {
      ok: true,
      message: `Deleting "${marked.name}": its ${countOf(marked.records, "synced record")} ${marked.records === 1 ? "is" : "are"} being removed in the background.`,
    };
  },
);

/**
 * The settings form's action: "Check connection" (intent=check) or save, each through its own
 * protected action above (session, manage_integrations, validation). The typed values go back
 * without the secrets, for the no-JavaScript page that renders them again.
 */
export async function submitChannelFormAction(previous: ChannelFormState | null, formData: FormData): Promise<ChannelFormState> {
  const submitted = readForm(formData);
  for (const key of ["intent", ...CREDENTIAL_FIELDS]) delete submitted[key];
  if (formData.get("intent") === "check") {
    return { intent: "check", check: await checkConnectionAction(null, formData), save: null, submitted };
  }
  return { intent: "save", save: await saveChannelAction(null, formData), check: previous?.check ?? null, submitted };
}
