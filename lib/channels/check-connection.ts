import { createMagentoClient } from "@/lib/magento/client";
import {
  MagentoAuthError, MagentoConfigError, MagentoError, MagentoHttpError, MagentoNetworkError, MagentoNotFoundError, MagentoResponseError,
} from "@/lib/magento/errors";
import type { ChannelCredentials } from "@/lib/channels/credentials";

// "Check connection": asks Magento for its websites, store views and store configuration with
// the settings an admin entered, and says what it found or, in words an admin can act on, why
// it could not. Nothing here is stored, and no secret appears in what it returns.

export type ConnectionReason = "dns" | "refused" | "timeout" | "tls" | "network" | "unauthorized" | "forbidden" | "not_magento" | "config" | "other";

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
export function describeConnectionError(error: unknown, settings: Pick<ConnectionSettings, "baseUrl" | "storeCode">): { reason: ConnectionReason; message: string } {
  const host = (() => {
    try {
      return new URL(settings.baseUrl).host;
    } catch {
      return settings.baseUrl;
    }
  })();
  if (error instanceof MagentoConfigError) return { reason: "config", message: `The settings are not usable: ${error.message}.` };
  if (error instanceof MagentoNetworkError) {
    switch (error.reason) {
      case "dns":
        return { reason: "dns", message: `The host name ${host} could not be found (DNS). Check the spelling of the base URL.` };
      case "refused":
        return { reason: "refused", message: `${host} refused the connection: nothing is listening there. Check the address and port, and that the store is up.` };
      case "timeout":
        return { reason: "timeout", message: `${host} did not answer in time. Check that the store is up and that a firewall lets the portal's server reach it.` };
      case "tls":
        return { reason: "tls", message: `The TLS certificate of ${host} was not accepted (expired, self-signed or for another name). Fix the certificate or use its correct host name.` };
      default:
        return { reason: "network", message: `Could not reach ${host}: the connection failed (${error.reason}). Check the address and the network between the portal and the store.` };
    }
  }
  if (error instanceof MagentoAuthError) {
    // Magento answers the same 401 ("The consumer isn't authorized to access %resources") for a
    // wrong or revoked token and for a token without the ACL resource, so both are named.
    return {
      reason: "unauthorized",
      message: `Magento rejected the credentials (401: ${error.magentoMessage}). Check the access token (or the four OAuth values) of an active integration in Magento admin › System › Integrations, and that the integration is granted the Stores, Customers, Sales, Carts and Newsletter resources.`,
    };
  }
  if (error instanceof MagentoHttpError && error.status === 403) {
    return {
      reason: "forbidden",
      message: `Magento refused access (403: ${error.magentoMessage}). The integration is missing an ACL resource, or a firewall blocks the portal's server.`,
    };
  }
  if (error instanceof MagentoNotFoundError || (error instanceof MagentoResponseError && error.status === 404)) {
    return {
      reason: "not_magento",
      message: `${settings.baseUrl} answered 404: it is not a Magento REST endpoint for store code "${settings.storeCode}". Check the base URL (the store's root, without /rest) and the store code.`,
    };
  }
  if (error instanceof MagentoResponseError) {
    return { reason: "not_magento", message: `${settings.baseUrl} did not answer like Magento's REST API: ${error.message.replace(/ \[[A-Z]+ [^\]]*\]$/, "")}.` };
  }
  if (error instanceof MagentoHttpError) {
    return { reason: "other", message: `Magento answered ${error.status}: ${error.magentoMessage}. Try again later or check the store's logs.` };
  }
  if (error instanceof MagentoError) return { reason: "other", message: error.message };
  return { reason: "other", message: "The check failed for an unexpected reason. Try again." };
}

export async function checkConnection(
  settings: ConnectionSettings,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
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
    return { ok: false, reason: described.reason, message: scrub(described.message, secrets) };
  }
}
