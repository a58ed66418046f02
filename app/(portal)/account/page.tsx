import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { getPreferences } from "@/lib/users/preferences";
import { TimeZoneForm } from "./time-zone-form";

export const metadata: Metadata = { title: "Your settings" };

/** Every IANA zone this runtime knows, after the default ("" = UTC). */
function timeZoneOptions(current: string): { value: string; label: string }[] {
  const zones = Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC");
  // A saved zone the list does not name (an alias Intl still accepts) stays selectable.
  if (current && !zones.includes(current)) zones.unshift(current);
  return [{ value: "", label: "Use UTC" }, ...zones.map((zone) => ({ value: zone, label: zone.replaceAll("_", " ") }))];
}

export default async function AccountPage() {
  // Every role holds view_sales: each signed-in person reaches their own settings.
  const user = await requirePagePermission("view_sales");
  const { timeZone } = await getPreferences(await getDb(), user);
  const current = timeZone && timeZone !== "UTC" ? timeZone : "";
  return (
    <>
      <PageHeader title="Your settings" description="Who you are signed in as, and how the portal shows you dates." />
      <div className="max-w-3xl space-y-6">
        <Card>
          <CardHeader title="Account" description="Your name, email and role are managed by an administrator." />
          <dl className="grid gap-4 p-5 text-sm sm:grid-cols-3">
            <div>
              <dt className="font-medium text-slate-500">Name</dt>
              <dd className="mt-1 text-slate-900">{user.name}</dd>
            </div>
            <div>
              <dt className="font-medium text-slate-500">Email</dt>
              <dd className="mt-1 break-all text-slate-900">{user.email}</dd>
            </div>
            <div>
              <dt className="font-medium text-slate-500">Role</dt>
              <dd className="mt-1 text-slate-900">{ROLE_LABELS[user.role]}</dd>
            </div>
          </dl>
        </Card>
        <Card>
          <CardHeader title="Time zone" />
          <TimeZoneForm current={current} options={timeZoneOptions(current)} />
        </Card>
      </div>
    </>
  );
}
