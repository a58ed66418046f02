import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { readEnv, type EnvSource } from "@/lib/env";

// Which addresses the Magento client may connect to. A channel's base URL is typed by an admin,
// so without a rule the portal's server would call (and send a channel's token to) anything it
// can reach: its own loopback, the cloud metadata service (169.254.169.254), the private network.
// Internal ranges are refused unless the operator allows them (MAGENTO_ALLOW_PRIVATE_URLS=1: the
// demo store and the tests run a simulator on 127.0.0.1). The check is on the resolved addresses,
// every one of them, at the moment of connecting (see guarded-fetch.ts), so a name cannot point
// to a public address when checked and to an internal one when used.

export const ALLOW_PRIVATE_URLS_VARIABLE = "MAGENTO_ALLOW_PRIVATE_URLS" as const;

/** Whether the operator lets channel URLs reach internal addresses. */
export function privateUrlsAllowed(env?: EnvSource): boolean {
  return readEnv(ALLOW_PRIVATE_URLS_VARIABLE, env);
}

type Range = { bytes: number[]; bits: number; name: string };

const v4 = (cidr: string, name: string): Range => {
  const [address, bits] = cidr.split("/");
  return { bytes: parseIPv4(address!)!, bits: Number(bits), name };
};
const v6 = (cidr: string, name: string): Range => {
  const [address, bits] = cidr.split("/");
  return { bytes: parseIPv6(address!)!, bits: Number(bits), name };
};

/** IPv4 ranges that are not the public internet. */
const IPV4_INTERNAL: Range[] = [
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared (carrier-grade NAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "reserved"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "reserved"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"),
];

/** IPv6 ranges that are not the public internet (those embedding an IPv4 address are below). */
const IPV6_INTERNAL: Range[] = [
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("64:ff9b:1::/48", "reserved"),
  v6("fc00::/7", "unique local (private)"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local (private)"),
  v6("ff00::/8", "multicast"),
];

/** IPv6 forms that carry an IPv4 address, judged by that address: [range, offset of the IPv4 bytes]. */
const IPV6_EMBEDDING_IPV4: [Range, number][] = [
  [v6("::ffff:0:0/96", "IPv4-mapped"), 12],
  [v6("::/96", "IPv4-compatible"), 12],
  [v6("64:ff9b::/96", "NAT64"), 12],
  [v6("2002::/16", "6to4"), 2],
];

function parseIPv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  return bytes.every((byte) => byte >= 0 && byte <= 255) ? bytes : null;
}

function parseIPv6(text: string): number[] | null {
  let address = text.replace(/^\[|\]$/g, "");
  const zone = address.indexOf("%");
  if (zone >= 0) address = address.slice(0, zone);
  // A dotted IPv4 tail ("::ffff:127.0.0.1") is two groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (tail) {
    const bytes = parseIPv4(tail[2]!);
    if (!bytes) return null;
    address = `${tail[1]}${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (range.bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * The internal range an IP address (v4 or v6, with or without brackets or a zone) belongs to, in
 * words ("loopback", "private", "IPv4-mapped loopback"…), or null for a public address. Anything
 * that does not parse as an address counts as internal: refusing is the safe answer.
 */
export function internalRange(address: string): string | null {
  const ipv4 = parseIPv4(address);
  if (ipv4) return IPV4_INTERNAL.find((range) => inRange(ipv4, range))?.name ?? null;
  const ipv6 = parseIPv6(address);
  if (!ipv6) return "not an IP address";
  const own = IPV6_INTERNAL.find((range) => inRange(ipv6, range));
  if (own) return own.name;
  for (const [range, offset] of IPV6_EMBEDDING_IPV4) {
    if (!inRange(ipv6, range)) continue;
    const inner = IPV4_INTERNAL.find((candidate) => inRange(ipv6.slice(offset, offset + 4), candidate));
    return inner ? `${range.name} ${inner.name}` : null;
  }
  return null;
}

/** A connection the policy refused; `address` and `range` are for the server's log, not for users. */
export class BlockedAddressError extends Error {
  readonly code = "ERR_MAGENTO_INTERNAL_ADDRESS";

  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} points to a private or internal address; set ${ALLOW_PRIVATE_URLS_VARIABLE}=1 to allow it`);
    this.name = "BlockedAddressError";
  }
}

/** Throws BlockedAddressError for the first internal address of `addresses`. */
export function assertPublicAddresses(host: string, addresses: readonly string[]): void {
  for (const address of addresses) {
    const range = internalRange(address);
    if (range) throw new BlockedAddressError(host, address, range);
  }
}

export type LookupAll = (hostname: string) => Promise<LookupAddress[]>;

export const lookupAll: LookupAll = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** A URL host without the brackets of an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, "");
}

/**
 * Resolves `hostname` (an IP literal is its own answer) and checks every address it has. Throws
 * BlockedAddressError, or the resolver's own error (ENOTFOUND…) when the name does not resolve.
 */
export async function resolvePublicAddresses(hostname: string, lookup: LookupAll = lookupAll): Promise<LookupAddress[]> {
  const host = bareHost(hostname);
  const family = isIP(host);
  const addresses = family ? [{ address: host, family }] : await lookup(host);
  assertPublicAddresses(
    host,
    addresses.map((entry) => entry.address),
  );
  return addresses;
}
