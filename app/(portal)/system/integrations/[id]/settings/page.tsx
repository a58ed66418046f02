import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChannelForm, type ChannelFormValues } from "@/components/integrations/channel-form";
import { DeleteChannelForm } from "@/components/integrations/delete-channel-form";
import { StoppedNotice } from "@/components/integrations/stopped-notice";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { CHANNEL_ENTITIES } from "@/db/schema";
import { requirePagePermission } from "@/lib/auth/session";
import { listChannelWebsites, loadChannelRecordCounts, loadChannelSettings, loadDeletingChannel } from "@/lib/channels/queries";
import { ENTITY_DEPENDENCIES, ENTITY_LABELS, defaultSyncStartDate } from "@/lib/channels/settings";
import { deleteChannelAction, submitChannelFormAction } from "../../actions";

export const metadata: Metadata = { title: "Integration settings" };

export default async function IntegrationSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission("manage_integrations");
  const { id: rawId } = await params;
  const id = Number(rawId);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  const db = await getDb();
  const channel = await loadChannelSettings(db, user, id);
  if (!channel) {
    // Just deleted (the delete action re-renders this page): say so rather than "not found".
    const deleting = await loadDeletingChannel(db, user, id);
    if (!deleting) notFound();
    return (
      <>
        <PageHeader breadcrumb="System › Integrations" title={`Deleting ${deleting.name}`} />
        <Card>
          <p role="status" className="p-5 text-sm text-slate-700">
            &ldquo;{deleting.name}&rdquo; is being deleted: its synced records are removed in the background.{" "}
            <Link href="/system/integrations" className="font-medium text-brand-700 underline">
              Back to integrations
            </Link>
          </p>
        </Card>
      </>
    );
  }
  const websites = await listChannelWebsites(db, user, id);
  const records = await loadChannelRecordCounts(db, user, id);
  // Only settings and whether each secret is set: never the credentials themselves.
  const values: ChannelFormValues = {
    id: channel.id,
    name: channel.name,
    baseUrl: channel.baseUrl,
    authType: channel.authType,
    storeCode: channel.storeCode,
    adminUrl: channel.adminUrl ?? "",
    websiteOriginIds: channel.websiteOriginIds,
    guestMode: channel.guestMode,
    sharedGuestEmails: channel.sharedGuestEmails,
    syncStartDate: channel.syncStartDate ?? defaultSyncStartDate(),
    syncIntervalMinutes: channel.syncIntervalMinutes,
    cartExpirationDays: channel.cartExpirationDays,
    abandonmentDelayHours: channel.abandonmentDelayHours,
    entities: channel.entities,
    twoWaySync: channel.twoWaySync,
    groupByCompany: channel.groupByCompany,
    syncPriority: channel.syncPriority,
    maxRequestsPerSecond: channel.maxRequestsPerSecond,
    maxRequestsInFlight: channel.maxRequestsInFlight,
    active: channel.active,
    credentialsSet: channel.credentialsSet,
  };
  return (
    <>
      <PageHeader
        breadcrumb="System › Integrations"
        title={`Settings of ${channel.name}`}
        description="Secrets are write-only: leave them empty to keep the saved ones."
        actions={
          <Link href={`/system/integrations/${channel.id}`} className="text-sm font-medium text-brand-700 hover:underline">
            Channel page
          </Link>
        }
      />
      <div className="space-y-6">
        {channel.stoppedReason ? <StoppedNotice reason={channel.stoppedReason} at={channel.stoppedAt} /> : null}
        <Card>
          <ChannelForm
            values={values}
            entityOptions={CHANNEL_ENTITIES.map((e) => ({ value: e, label: ENTITY_LABELS[e], dependency: ENTITY_DEPENDENCIES[e] }))}
            knownWebsites={websites.map((w) => ({ id: Number(w.id), code: w.code, name: w.name }))}
            action={submitChannelFormAction}
          />
        </Card>
        <Card>
          <CardHeader title="Delete this channel" />
          <DeleteChannelForm id={channel.id} name={channel.name} records={records.total} deleteAction={deleteChannelAction} />
        </Card>
      </div>
    </>
  );
}
