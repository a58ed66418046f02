// Which Magento store view a channel reads, written one way. Two channels with the same identity
// sync the same orders, customers and carts, so the dashboards and reports would count each twice.
// Pure (no database), so the form and the CLI can share it.

export type ChannelIdentity = {
  /** scheme://host[:port]/path, lower-case host, no default port, no trailing slash. */
  url: string;
  /** The store code; empty means Magento's "default". */
  storeCode: string;
  /** url and store code together: equal keys, same store view. */
  key: string;
};

function canonicalUrl(baseUrl: string): string {
  const text = baseUrl.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Stored URLs were validated when saved; an odd legacy one is still compared as its text.
    return text.toLowerCase().replace(/\/+$/, "");
  }
  // URL already lower-cases scheme and host and drops :443 on https and :80 on http. Credentials,
  // query and fragment are left out: they do not change the store, and must not reach a message.
  let path = url.pathname.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  // The same REST API answers below "/rest" typed into the base URL, and below "/index.php" on a
  // store without URL rewrites.
  path = path.replace(/\/rest$/i, "").replace(/\/index\.php$/i, "");
  return `${url.protocol}//${url.host}${path}`;
}

export function channelIdentity(baseUrl: string, storeCode: string | null | undefined): ChannelIdentity {
  const url = canonicalUrl(baseUrl);
  const code = (storeCode ?? "").trim().toLowerCase() || "default";
  return { url, storeCode: code, key: `${url} ${code}` };
}

export function sameStoreView(
  a: { baseUrl: string; storeCode?: string | null },
  b: { baseUrl: string; storeCode?: string | null },
): boolean {
  return channelIdentity(a.baseUrl, a.storeCode).key === channelIdentity(b.baseUrl, b.storeCode).key;
}
