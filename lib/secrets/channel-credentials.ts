import { z } from "zod";
import { decryptJson, encryptJson } from "@/lib/secrets/crypto";

// A channel's Magento credentials, as stored (encrypted) in channels.credentials_encrypted.
// They are decrypted only where a Magento client is built, never sent to the browser or logged.

export const channelCredentialsSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bearer"), token: z.string().min(1) }),
  z.object({
    type: z.literal("oauth1"),
    consumerKey: z.string().min(1),
    consumerSecret: z.string().min(1),
    accessToken: z.string().min(1),
    accessTokenSecret: z.string().min(1),
  }),
]);
export type ChannelCredentials = z.infer<typeof channelCredentialsSchema>;

export function sealCredentials(credentials: ChannelCredentials): string {
  return encryptJson(channelCredentialsSchema.parse(credentials));
}

export function openCredentials(stored: string): ChannelCredentials {
  return channelCredentialsSchema.parse(decryptJson<unknown>(stored));
}

/** Scheme, host and port of a URL ("https://shop.example.com:8443"); null when it is not a URL. */
export function urlOrigin(url: string): string | null {
  try {
    const origin = new URL(url.trim()).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Whether credentials saved for `savedBaseUrl` may be sent to `baseUrl`: only at the same origin
 * (scheme, host and port). A new path on the same server keeps them; another host, port or
 * scheme needs them typed again, so an edited URL never carries a token to a server it was not
 * given for.
 */
export function credentialsFollow(savedBaseUrl: string, baseUrl: string): boolean {
  const saved = urlOrigin(savedBaseUrl);
  return saved !== null && saved === urlOrigin(baseUrl);
}
