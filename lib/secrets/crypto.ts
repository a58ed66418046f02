import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readEnv } from "@/lib/env";

// Magento credentials at rest: AES-256-GCM under ENCRYPTION_KEY (32 bytes, base64).
// Stored form: "v1:<iv>:<tag>:<ciphertext>", each part base64; the version allows key rotation later.

const VERSION = "v1";

export class SecretDecryptionError extends Error {
  constructor() {
    super("Stored credentials could not be decrypted: ENCRYPTION_KEY changed or the value was altered. Enter them again.");
    this.name = "SecretDecryptionError";
  }
}

function keyFrom(encoded: string | undefined): Buffer {
  if (!encoded) throw new Error("ENCRYPTION_KEY is not set.");
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32).");
  return key;
}

export function encryptSecret(plain: string, encodedKey = readEnv("ENCRYPTION_KEY")): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(encodedKey), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
}

export function decryptSecret(stored: string, encodedKey = readEnv("ENCRYPTION_KEY")): string {
  const [version, iv, tag, data] = stored.split(":");
  if (version !== VERSION || !iv || !tag || data === undefined) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(encodedKey), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError();
  }
}

/** Encrypts a JSON value (e.g. a channel's credentials object). */
export function encryptJson(value: unknown, encodedKey?: string): string {
  return encryptSecret(JSON.stringify(value), encodedKey);
}

export function decryptJson<T>(stored: string, encodedKey?: string): T {
  return JSON.parse(decryptSecret(stored, encodedKey)) as T;
}
