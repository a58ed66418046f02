import { PageHeader } from "@/components/ui/page-header";
import { NoSyncedData } from "./no-data";

/** A workspace list page before its grid has rows to show: header, count or the empty state. */
export function WorkspaceList({
  breadcrumb,
  title,
  description,
  noun,
  total,
  hasChannels,
  canManageIntegrations,
}: {
  breadcrumb: string;
  title: string;
  description: string;
  noun: string;
  total: number;
  hasChannels: boolean;
  canManageIntegrations: boolean;
}) {
  return (
    <>
      <PageHeader breadcrumb={breadcrumb} title={title} description={description} />
      {total === 0 ? (
        <NoSyncedData what={noun} description={description} hasChannels={hasChannels} canManageIntegrations={canManageIntegrations} />
      ) : (
        <p className="rounded-lg bg-white px-5 py-4 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200">
          <span data-testid="record-count" className="font-semibold">
            {total.toLocaleString("en-US")}
          </span>{" "}
          {noun} synced from Magento.
        </p>
      )}
    </>
  );
}
