import type { RecordLinks as Links } from "@/lib/sync/history";

/** A table cell's links to the record an error or warning names: in the portal, in Magento, or a dash. */
export function RecordLinks({ portalHref, magentoHref }: Links) {
  return (
    <>
      {portalHref ? (
        <a href={portalHref} className="block text-brand-700 hover:underline">
          In the portal
        </a>
      ) : null}
      {magentoHref ? (
        <a href={magentoHref} target="_blank" rel="noreferrer noopener" className="block text-brand-700 hover:underline">
          In Magento
        </a>
      ) : null}
      {!portalHref && !magentoHref ? <span className="text-slate-400">—</span> : null}
    </>
  );
}
