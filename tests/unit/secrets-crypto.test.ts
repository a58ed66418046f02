import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretDecryptionError, decryptJson, decryptSecret, encryptJson, encryptSecret } from "@/lib/secrets/crypto";

const key = randomBytes(32).toString("base64");

describe("Magento credentials are encrypted at rest with AES-256-GCM", () => {
  it("round-trips a token, and the stored form does not contain it", () => {
    const stored = encryptSecret("integration-token-abc123", key);
    expect(stored).not.toContain("integration-token-abc123");
    expect(stored.startsWith("v1:")).toBe(true);
    expect(decryptSecret(stored, key)).toBe("integration-token-abc123");
  });

  it("uses a fresh IV each time, so equal secrets do not look equal", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it("round-trips the OAuth credential set as JSON", () => {
    const credentials = { consumerKey: "ck", consumerSecret: "cs", accessToken: "at", accessTokenSecret: "ats" };
    expect(decryptJson(encryptJson(credentials, key), key)).toEqual(credentials);
  });

  it("refuses a value altered at rest or read with another key, with an actionable message", () => {
    const stored = encryptSecret("secret", key);
    const parts = stored.split(":");
    const tampered = [parts[0], parts[1], parts[2], Buffer.from("other").toString("base64")].join(":");
    expect(() => decryptSecret(tampered, key)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(stored, randomBytes(32).toString("base64"))).toThrow(/ENCRYPTION_KEY changed/);
    expect(() => decryptSecret("garbage", key)).toThrow(SecretDecryptionError);
  });

  it("rejects a key that is not 32 bytes", () => {
    expect(() => encryptSecret("x", Buffer.from("short").toString("base64"))).toThrow(/32 bytes/);
  });
});
