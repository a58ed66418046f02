import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { dismissOverrideAction, retryPushAction, revertPushAction, saveCustomerAction } from "@/app/(portal)/customers/two-way-actions";
import { CustomerEditForm } from "@/components/customers/customer-edit-form";
import { DetailSection } from "@/components/detail/section";
import { PushBanners } from "@/components/two-way/push-banners";
import { getDb } from "@/db/client";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { channelDirectory, countryOptions } from "@/lib/customers/directory";
import { draftFromValues } from "@/lib/customers/edit-form";
import { customerName } from "@/lib/customers/name";
import { viewerTimeZone } from "@/lib/users/time-zone";
import { customerPushState, loadCustomerEdit } from "@/lib/customers/two-way/service";
import { parseDetailId } from "@/lib/records/meta";

export const metadata: Metadata = { title: "Edit customer" };

type Props = { params: Promise<{ id: string }> };

const NO_PERMISSION = "Your role can view customers but not change them; a sales manager or an administrator can.";

export default async function EditCustomerPage({ params }: Props) {
  const user = await requirePagePermission("view_sales");
  const id = parseDetailId((await params).id);
  if (id === null) notFound();
  const db = await getDb();
  const view = await loadCustomerEdit(db, user, id);
  if (!view) notFound();
  const mayEdit = can(user.role, "edit_customers");
  const editable = mayEdit && view.editable;
  const [directory, pushes, timeZone] = await Promise.all([
    editable ? channelDirectory(db, user, view.channelId) : Promise.resolve(null),
    customerPushState(db, user, id),
    viewerTimeZone(db, user),
  ]);
  const name = customerName({ firstName: view.values.firstname, lastName: view.values.lastname, email: view.values.email });

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/customers/${id}`} className="text-brand-700 hover:underline">
            Back to {name}
          </Link>{" "}
          · {view.channelName}
        </p>
        <h1 className="mt-1 text-2xl font-semibold text-slate-900">Edit {name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          Changes are saved here at once and sent to Magento, which confirms them. If someone changes the same field in Magento meanwhile,
          the channel&apos;s sync priority decides which value stays, and this page tells you.
        </p>
      </div>
      <PushBanners
        customerId={id}
        state={pushes}
        timeZone={timeZone}
        canAct={mayEdit}
        actions={{ retry: retryPushAction, revert: revertPushAction, dismiss: dismissOverrideAction }}
      />
      <DetailSection title="Customer details">
        <CustomerEditForm
          customerId={id}
          baseToken={view.baseToken}
          initial={draftFromValues(view.values, editable ? 1 : 0)}
          groups={view.groups}
          countries={directory?.ok ? countryOptions(directory.countries) : []}
          directoryError={directory && !directory.ok ? directory.error : null}
          editable={editable}
          readOnlyReason={mayEdit ? view.readOnlyReason : NO_PERMISSION}
          action={saveCustomerAction}
        />
      </DetailSection>
    </div>
  );
}
