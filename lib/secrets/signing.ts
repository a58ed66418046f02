import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { readEnv } from "@/lib/env";

// Values the server hands to a browser and must get back unaltered (a form's base values): an
// HMAC-SHA256 under a key derived from AUTH_SECRET for one purpose, so a token of one kind is
// never accepted as another, and AUTH_SECRET itself never signs anything but sessions.
// Form: "<payload base64url>.<signature base64url>". Changing AUTH_SECRET voids open forms too.

function keyFor(purpose: string, secret: string | undefined): Buffer {
  if (!secret) throw new Error("AUTH_SECRET is not set: it signs sessions and the portal's forms.");
  return Buffer.from(hkdfSync("sha256", secret, "", `magento-sales-portal signed value: ${purpose}`, 32));
}

function signature(purpose: string, payload: string, secret: string | undefined): Buffer {
  return createHmac("sha256", keyFor(purpose, secret)).update(payload).digest();
}

/** `text` signed for `purpose`. */
export function signValue(purpose: string, text: string, secret = readEnv("AUTH_SECRET")): string {
  const payload = Buffer.from(text, "utf8").toString("base64url");
  return `${payload}.${signature(purpose, payload, secret).toString("base64url")}`;
}

/** The text of a token signed for `purpose` by this server; null when it was altered, forged or is not one. */
export function verifySignedValue(purpose: string, token: string, secret = readEnv("AUTH_SECRET")): string | null {
  const parts = token.split(".");
  if (parts.length !== 2) return null;
  const [payload, sent] = parts as [string, string];
  const expected = signature(purpose, payload, secret);
  const given = Buffer.from(sent, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Buffer.from(payload, "base64url").toString("utf8");
}
