import type { ConnectionReason } from "./check-connection";
import { channelIdentity } from "./identity";

// What a channel save asks the admin to confirm before it writes anything: another channel
// already syncs the same store view (every figure would be doubled), or Magento could not be
// reached or refused the credentials. Pure, so the form renders the confirmation from the same
// rules the server checks.

export type SaveWarning =
  | { kind: "duplicate"; channelId: number; channelName: string; message: string }
  | { kind: "connection"; reason: ConnectionReason; message: string };

/** The form field that carries the confirmation (the "Save anyway" checkbox). */
export const CONFIRM_FIELD = "confirmWarnings";

export function duplicateWarning(other: { id: number; name: string; baseUrl: string; storeCode: string | null }): SaveWarning {
  const identity = channelIdentity(other.baseUrl, other.storeCode);
  return {
    kind: "duplicate",
    channelId: other.id,
    channelName: other.name,
    message:
      `Channel “${other.name}” already syncs ${identity.url} (store view ${identity.storeCode}): every order, customer and cart ` +
      "would be counted twice in the dashboards and reports. Use that channel, or point this one at another store or store view.",
  };
}

/** `message` comes from checkConnection, which has already taken every secret out of it. */
export function connectionWarning(failed: { reason: ConnectionReason; message: string }): SaveWarning {
  return {
    kind: "connection",
    reason: failed.reason,
    message: `The connection check failed, so this channel would not sync until it is fixed: ${failed.message}`,
  };
}

/** FNV-1a of one message, as 8 hex digits: short enough for a form value, stable across renders. */
function messageHash(message: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < message.length; i++) {
    hash ^= message.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/**
 * The value of the confirmation for these warnings. It names each warning shown, so a box ticked
 * before the URL or the token was changed does not wave through a warning nobody saw.
 */
export function confirmationValue(messages: readonly string[]): string {
  return messages.map(messageHash).join(" ");
}

/** Whether `confirmation` (the posted field) covers every one of `warnings`. */
export function warningsConfirmed(warnings: readonly SaveWarning[], confirmation: string | undefined): boolean {
  if (warnings.length === 0) return true;
  const confirmed = new Set((confirmation ?? "").split(/\s+/).filter(Boolean));
  return warnings.every((warning) => confirmed.has(messageHash(warning.message)));
}
