/**
 * What Magento sent, as text: a value cut to 2 KB when stored (`{excerpt, truncated}`, see
 * payloadExcerpt in lib/sync/runs.ts) shows its excerpt; `pretty` indents JSON.
 */
export function payloadText(payload: unknown, { pretty = true } = {}): string {
  if (payload === null || payload === undefined) return "";
  if (typeof payload === "object" && "excerpt" in payload && typeof (payload as { excerpt: unknown }).excerpt === "string") {
    return `${(payload as { excerpt: string }).excerpt}… (cut)`;
  }
  return JSON.stringify(payload, null, pretty ? 2 : undefined);
}
