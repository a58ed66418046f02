import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { channels } from "@/db/schema";
import { checkConnection } from "./check-connection";
import { openCredentials, type ChannelCredentials } from "@/lib/secrets/channel-credentials";
import { connectionWarning, type SaveWarning } from "./save-warnings";
import { CREDENTIAL_FIELDS, resolveCredentials, type ChannelSettingsInput } from "./settings";

// Saving checks the connection the way "Check connection" does, so a channel that cannot reach
// its Magento (wrong token, wrong address, store down) is saved only once the admin confirms.

export type SavedConnection = {
  baseUrl: string;
  storeCode: string;
  authType: string;
  /** null: none stored, or sealed under another key (unreadable). */
  credentials: ChannelCredentials | null;
};

/** A channel's stored connection, credentials opened (server only); null when it is gone or being deleted. */
export async function loadSavedConnection(db: Pick<Db, "select">, id: number): Promise<SavedConnection | null> {
  const [row] = await db
    .select({
      baseUrl: channels.baseUrl,
      storeCode: channels.storeCode,
      authType: channels.authType,
      credentialsEncrypted: channels.credentialsEncrypted,
    })
    .from(channels)
    .where(and(eq(channels.id, id), isNull(channels.deletingAt)));
  if (!row) return null;
  let credentials: ChannelCredentials | null = null;
  if (row.credentialsEncrypted) {
    try {
      credentials = openCredentials(row.credentialsEncrypted);
    } catch {
      credentials = null; // the admin must type them again
    }
  }
  return { baseUrl: row.baseUrl, storeCode: row.storeCode, authType: row.authType, credentials };
}

/**
 * The warning a save must confirm when Magento does not answer with these settings, or null.
 * Checked on create and when an edit changes the address, store code, auth type or a secret; an
 * edit of other settings keeps the connection as it is, so it is not held up by Magento being
 * down right now. Bounded by the checker's own timeout. Throws ChannelSettingsError (missing
 * secrets) as the save itself would.
 */
export async function connectionWarningOnSave(
  db: Pick<Db, "select">,
  input: ChannelSettingsInput,
  options: { check?: typeof checkConnection } = {},
): Promise<SaveWarning | null> {
  const saved = input.id === undefined ? null : await loadSavedConnection(db, input.id);
  // Gone since the form was opened: the save says so.
  if (input.id !== undefined && !saved) return null;
  const credentials = resolveCredentials(input, saved);
  const changed =
    !saved ||
    input.baseUrl.replace(/\/+$/, "") !== saved.baseUrl ||
    input.storeCode !== saved.storeCode ||
    credentials.type !== saved.authType ||
    !saved.credentials ||
    CREDENTIAL_FIELDS.some((field) => input[field] !== undefined);
  if (!changed) return null;
  const result = await (options.check ?? checkConnection)({ baseUrl: input.baseUrl, storeCode: input.storeCode, credentials });
  return result.ok ? null : connectionWarning(result);
}
