import { createMagentoClient } from "@/lib/magento/client";
import {
  MagentoAuthError,
  MagentoBlockedAddressError,
  MagentoConfigError,
  MagentoHttpError,
  MagentoNetworkError,
  MagentoNotFoundError,
  MagentoResponseError,
} from "@/lib/magento/errors";
import type { ChannelCredentials } from "@/lib/secrets/channel-credentials";
import type { HttpFetch } from "@/lib/magento/guarded-fetch";
import { logger } from "@/lib/log";

// "Check connection": asks Magento for its websites, store views and store configuration with
// the settings an admin entered, and says what it found or, in words an admin can act on, why
// it could not. Nothing here is stored, and no secret appears in what it returns.

// A failed network connection is described in one way, whatever its cause (unknown name, refused,
// timed out, TLS): distinct answers would let an admin session map which hosts and ports exist
// behind the portal's server. The cause goes to the server's log instead. Magento's own error
// texts are not echoed either, only what the status means.
export type ConnectionReason = "blocked" | "unreachable" | "unauthorized" | "forbidden" | "not_magento" | "config" | "other";

export type ConnectionCheck =
  | {
      ok: true;
      websites: { id: number; code: string; name: string }[];
      storeViews: { id: number; code: string; name: string; websiteId: number; active: boolean }[];
      baseCurrency: string | null;
    }
  | { ok: false; reason: ConnectionReason; message: string };

export type ConnectionSettings = { baseUrl: string; storeCode: string; credentials: ChannelCredentials };

/** Replaces every secret that might be echoed in a message. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}

function secretsOf(credentials: ChannelCredentials): string[] {
  return credentials.type === "bearer"
    ? [credentials.token]
    : [credentials.consumerKey, credentials.consumerSecret, credentials.accessToken, credentials.accessTokenSecret];
}

/** The admin-readable reason for an error the client threw. */
export function describeConnectionError(
  error: unknown,
  settings: Pick<ConnectionSettings, "baseUrl" | "storeCode">,
): { reason: ConnectionReason; message: string } {
  const host = (() => {
    try {
      return new URL(settings.baseUrl).host;
    } catch {
      return settings.baseUrl;
    }
  })();
  if (error instanceof MagentoConfigError) return { reason: "config", message: `The settings are not usable: ${error.message}.` };
  if (error instanceof MagentoBlockedAddressError) {
    return {
      reason: "blocked",
      message: `${host} points to a private or internal address, which the portal does not call. If the store really is on your internal network, the portal's operator can set MAGENTO_ALLOW_PRIVATE_URLS=1 to allow it.`,
    };
  }
  if (error instanceof MagentoNetworkError) {
    return {
      reason: "unreachable",
      message: `Magento did not answer at this address (${host}). Check the base URL (scheme, host and port), that the store is up and that the portal's server can reach it, and that its TLS certificate is valid.`,
    };
  }
  if (error instanceof MagentoAuthError) {
    // Magento answers the same 401 for a wrong or revoked token and for a token without the
    // ACL resource, so both are named.
    return {
      reason: "unauthorized",
      message:
        "Magento rejected the credentials (401). Check the access token (or the four OAuth values) of an active integration in Magento admin › System › Integrations, and that the integration is granted the Stores, Customers, Sales, Carts and Newsletter resources.",
    };
  }
  if (error instanceof MagentoHttpError && error.status === 403) {
    return {
      reason: "forbidden",
      message: "Magento refused access (403). The integration is missing an ACL resource, or a firewall blocks the portal's server.",
    };
  }
  if (error instanceof MagentoNotFoundError || (error instanceof MagentoResponseError && error.status === 404)) {
    return {
      reason: "not_magento",
      message: `${settings.baseUrl} answered 404: it is not a Magento REST endpoint for store code "${settings.storeCode}". Check the base URL (the store's root, without /rest) and the store code.`,
    };
  }
  if (error instanceof MagentoResponseError) {
    return {
      reason: "not_magento",
      message: `${settings.baseUrl} did not answer like Magento's REST API: ${error.message.replace(/ \[[A-Z]+ [^\]]*\]$/, "")}.`,
    };
  }
  if (error instanceof MagentoHttpError) {
    return { reason: "other", message: `Magento answered HTTP ${error.status}. Try again later or check the store's logs.` };
  }
  return { reason: "other", message: "The check failed for an unexpected reason. Try again." };
}

/** What the server's log keeps of a failed check: the cause, never a secret. */
function logFailure(error: unknown, settings: ConnectionSettings, secrets: string[]): void {
  const detail =
    error instanceof MagentoBlockedAddressError
      ? `refused by the address policy: ${error.host} → ${error.address} (${error.range})`
      : error instanceof MagentoNetworkError
        ? `${error.reason}: ${error.message}`
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
  logger().warn({ component: "check-connection" }, scrub(`${settings.baseUrl} (store ${settings.storeCode}): ${detail}`, secrets));
}

export async function checkConnection(
  settings: ConnectionSettings,
  options: { timeoutMs?: number; fetch?: HttpFetch; allowPrivateAddresses?: boolean } = {},
): Promise<ConnectionCheck> {
  const secrets = secretsOf(settings.credentials);
  try {
    const client = createMagentoClient({
      baseUrl: settings.baseUrl,
      storeCode: settings.storeCode,
      auth: settings.credentials,
      timeoutMs: options.timeoutMs ?? 10_000,
      deadlineMs: (options.timeoutMs ?? 10_000) * 2,
      maxRetries: 0,
      requestsPerSecond: null,
      fetch: options.fetch,
      allowPrivateAddresses: options.allowPrivateAddresses,
    });
    const [websites, storeViews] = await Promise.all([client.listWebsites(), client.listStoreViews()]);
    const configs = await client.listStoreConfigs();
    const config = configs.find((c) => c.code === settings.storeCode) ?? configs.find((c) => c.code === "default") ?? configs[0];
    return {
      ok: true,
      // Website 0 / store view 0 is Magento's "admin" scope, not a shop.
      websites: websites.filter((w) => w.id !== 0).map((w) => ({ id: w.id, code: w.code, name: w.name })),
      storeViews: storeViews
        .filter((s) => s.id !== 0)
        .map((s) => ({ id: s.id, code: s.code, name: s.name, websiteId: s.website_id, active: s.is_active === 1 })),
      baseCurrency: config?.base_currency_code ?? null,
    };
  } catch (error) {
    const described = describeConnectionError(error, settings);
    logFailure(error, settings, secrets);
    return { ok: false, reason: described.reason, message: scrub(described.message, secrets) };
  }
}
