import type { Metadata } from "next";
import { ChannelForm, type ChannelFormValues } from "@/components/integrations/channel-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { CHANNEL_ENTITIES } from "@/db/schema";
import { requirePagePermission } from "@/lib/auth/session";
import { DEFAULT_ABANDONMENT_DELAY_HOURS } from "@/lib/sync/rules/abandoned-carts";
import { DEFAULT_MAX_REQUESTS_IN_FLIGHT } from "@/lib/sync/channel-client";
import { defaultSyncStartDate, ENTITY_DEPENDENCIES, ENTITY_LABELS } from "@/lib/channels/settings";
import { submitChannelFormAction } from "../actions";

export const metadata: Metadata = { title: "New integration" };

export default async function NewIntegrationPage() {
  await requirePagePermission("manage_integrations");
  const values: ChannelFormValues = {
    id: null,
    name: "",
    baseUrl: "",
    authType: "bearer",
    storeCode: "default",
    adminUrl: "",
    websiteOriginIds: null,
    guestMode: "per_email",
    sharedGuestEmails: [],
    syncStartDate: defaultSyncStartDate(),
    syncIntervalMinutes: 15,
    cartExpirationDays: null,
    abandonmentDelayHours: DEFAULT_ABANDONMENT_DELAY_HOURS,
    entities: [...CHANNEL_ENTITIES],
    twoWaySync: false,
    groupByCompany: true,
    syncPriority: "magento",
    maxRequestsPerSecond: 16,
    maxRequestsInFlight: DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    active: true,
    credentialsSet: { token: false, consumerKey: false, consumerSecret: false, accessToken: false, accessTokenSecret: false },
  };
  return (
    <>
      <PageHeader
        breadcrumb="System › Integrations"
        title="New Magento integration"
        description="Connect a Magento 2 store: its address and an integration's credentials (Magento admin › System › Integrations). Check the connection, then choose what to sync."
      />
      <Card>
        <ChannelForm
          values={values}
          entityOptions={CHANNEL_ENTITIES.map((e) => ({ value: e, label: ENTITY_LABELS[e], dependency: ENTITY_DEPENDENCIES[e] }))}
          knownWebsites={[]}
          action={submitChannelFormAction}
        />
      </Card>
    </>
  );
}
