import { openCredentials } from "@/lib/secrets/channel-credentials";
import type { RequestTiming } from "@/lib/magento/http";
import { createMagentoClient, type MagentoClient, type MagentoClientOptions } from "@/lib/magento/client";
import type { ChannelRow } from "@/lib/sync/types";

// Builds the Magento client for one channel: decrypts its credentials (only here, never logged)
// and applies the sync's request limits.

export const SYNC_CONCURRENCY = 4;

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
  channel: Pick<ChannelRow, "name" | "baseUrl" | "storeCode" | "credentialsEncrypted" | "maxRequestsPerSecond">,
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
    concurrency: SYNC_CONCURRENCY,
    requestsPerSecond: channel.maxRequestsPerSecond,
    burst: 2,
    ...options,
    baseUrl: channel.baseUrl,
    storeCode: channel.storeCode || "default",
    auth,
  });
}
