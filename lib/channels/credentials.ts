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
