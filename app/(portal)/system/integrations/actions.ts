"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { ActionFailure, protectedAction, type ActionResult } from "@/lib/auth/action";
import { writeAudit } from "@/lib/audit/log";
import { channels } from "@/db/schema";
import { checkConnection, type ConnectionCheck } from "@/lib/channels/check-connection";
import { openCredentials, type ChannelCredentials } from "@/lib/channels/credentials";
import { deleteChannelInBackground, markChannelDeleting } from "@/lib/channels/delete";
import {
  ChannelSettingsError, channelSettingsFields, channelSettingsSchema, resolveCredentials, saveChannelSettings,
} from "@/lib/channels/settings";
import { and, eq, isNull } from "drizzle-orm";

// System › Integrations: create/edit a channel, check its connection, delete it. Each action
// checks the session and manage_integrations itself (protectedAction), validates with zod on
// the server and writes an audit entry; secrets never come back in a result.

const LIST_PATH = "/system/integrations";

function asFailure(error: unknown): never {
  if (error instanceof ChannelSettingsError) throw new ActionFailure(error.message, error.fieldErrors);
  throw error;
}

export type SaveChannelData = { id: number; notices: string[] };

export const saveChannelAction = protectedAction(
  "manage_integrations",
  channelSettingsSchema,
  async (input, { user, db, ip }): Promise<ActionResult<SaveChannelData>> => {
    const saved = await saveChannelSettings(db, input, { userId: user.id, actor: user.email, ip }).catch(asFailure);
    revalidatePath(LIST_PATH);
    revalidatePath(`${LIST_PATH}/${saved.id}`);
    const what = saved.created ? `Created "${saved.name}".` : `Saved "${saved.name}".`;
    return { ok: true, message: [what, ...saved.notices].join(" "), data: { id: saved.id, notices: saved.notices } };
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
    let saved: ChannelCredentials | null = null;
    if (input.id !== undefined) {
      const [row] = await db
        .select({ credentialsEncrypted: channels.credentialsEncrypted })
        .from(channels)
        .where(and(eq(channels.id, input.id), isNull(channels.deletingAt)));
      if (!row) throw new ActionFailure("This channel no longer exists.");
      if (row.credentialsEncrypted) {
        try {
          saved = openCredentials(row.credentialsEncrypted);
        } catch {
          saved = null;
        }
      }
    }
    let credentials: ChannelCredentials;
    try {
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
    const found = `Connected: ${result.websites.length} website${result.websites.length === 1 ? "" : "s"}, ${result.storeViews.length} store view${result.storeViews.length === 1 ? "" : "s"}${result.baseCurrency ? `, base currency ${result.baseCurrency}` : ""}.`;
    const { ok: _ok, ...data } = result;
    return { ok: true, message: found, data };
  },
);

export const deleteChannelAction = protectedAction(
  "manage_integrations",
  z.object({ id: z.coerce.number().int().positive(), confirmName: z.string() }),
  async (input, { user, db, ip }): Promise<ActionResult> => {
    const [row] = await db
      .select({ name: channels.name })
      .from(channels)
      .where(and(eq(channels.id, input.id), isNull(channels.deletingAt)));
    if (!row) throw new ActionFailure("This channel no longer exists.");
    if (input.confirmName.trim() !== row.name) {
      throw new ActionFailure("The name does not match; nothing was deleted.", { confirmName: [`Type "${row.name}" to confirm.`] });
    }
    const marked = await markChannelDeleting(db, input.id, { userId: user.id, actor: user.email, ip });
    if (!marked) throw new ActionFailure("This channel is already being deleted.");
    after(() => deleteChannelInBackground(db, input.id).then(() => undefined));
    revalidatePath(LIST_PATH);
    return {
      ok: true,
      message: `Deleting "${marked.name}": its ${marked.records} synced record${marked.records === 1 ? " is" : "s are"} being removed in the background.`,
    };
  },
);
