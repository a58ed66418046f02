import { openCredentials } from "@/lib/secrets/channel-credentials";
import type { RequestTiming } from "@/lib/magento/http";
import { createMagentoClient, type MagentoClient, type MagentoClientOptions } from "@/lib/magento/client";
import type { ChannelRow } from "@/lib/sync/types";

// Builds the Magento client for one channel: decrypts its credentials (only here, never logged)
// and applies the channel's request limits: its requests per second and the most requests in
// flight at once (the start and ceiling of the client's adaptive budget, lib/magento/limits.ts).

/** A channel's "requests in flight" when it has not chosen (the column's default). */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 6;
/** The range the setting may take (the column's check). */
export const MIN_MAX_REQUESTS_IN_FLIGHT = 1;
export const MAX_MAX_REQUESTS_IN_FLIGHT = 32;

export type ChannelClientOptions = Partial<Omit<MagentoClientOptions, "baseUrl" | "auth" | "storeCode">> & {
  onRequest?: (timing: RequestTiming) => void;
};

export class ChannelCredentialsMissingError extends Error {
  constructor(channelName: string) {
    super(`Channel "${channelName}" has no credentials; add a token or OAuth keys first.`);
    this.name = "ChannelCredentialsMissingError";
  }
}

export function createChannelClient(
  channel: Pick<ChannelRow, "name" | "baseUrl" | "storeCode" | "credentialsEncrypted" | "maxRequestsPerSecond" | "maxRequestsInFlight">,
  options: ChannelClientOptions = {},
): MagentoClient {
  if (!channel.credentialsEncrypted) throw new ChannelCredentialsMissingError(channel.name);
  const credentials = openCredentials(channel.credentialsEncrypted);
  const auth =
    credentials.type === "bearer"
      ? ({ type: "bearer", token: credentials.token } as const)
      : ({
          type: "oauth1",
          consumerKey: credentials.consumerKey,
          consumerSecret: credentials.consumerSecret,
          accessToken: credentials.accessToken,
          accessTokenSecret: credentials.accessTokenSecret,
        } as const);
  return createMagentoClient({
    concurrency: channel.maxRequestsInFlight,
    requestsPerSecond: channel.maxRequestsPerSecond,
    burst: 2,
    ...options,
    baseUrl: channel.baseUrl,
    storeCode: channel.storeCode || "default",
    auth,
  });
}
