import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { SimpleTable } from "@/components/ui/simple-table";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import { ROLES, ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { formatDateTime, formatTime, safeTimeZone } from "@/lib/dates";
import { getPreferences } from "@/lib/users/preferences";
import { listUsersFor } from "@/lib/users/queries";
import { CreateUserForm } from "./create-user-form";
import { UserRowActions } from "./user-row-actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requirePagePermission("manage_users");
  const [users, preferences] = await Promise.all([listUsersFor(user), getPreferences(await getDb(), user)]);
  const timeZone = safeTimeZone(preferences.timeZone);
  const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
  return (
    <>
      <PageHeader breadcrumb="System" title="Users" description="Who can sign in to the portal, and with which role." />
      <div className="space-y-6">
        <SimpleTable
          columns={[
            { label: "Name" },
            { label: "Email" },
            { label: "Role" },
            { label: "Status" },
            { label: "Last sign-in" },
            { label: "Actions", align: "right", srOnly: true },
          ]}
        >
          {users.map((row) => (
            <tr key={row.id} data-testid={`user-row-${row.email}`}>
              <td className="px-5 py-3 font-medium">{row.name}</td>
              <td className="px-5 py-3 text-slate-600">{row.email}</td>
              <td className="px-5 py-3">{ROLE_LABELS[row.role]}</td>
              <td className="px-5 py-3">
                <span className="flex flex-wrap gap-1">
                  {!row.active ? (
                    <Badge tone="red">Deactivated</Badge>
                  ) : row.lockedUntil ? (
                    <Badge tone="red">Locked until {formatTime(row.lockedUntil, timeZone)}</Badge>
                  ) : (
                    <Badge tone="green">Active</Badge>
                  )}
                  {row.mustChangePassword ? (
                    row.oneTimePasswordExpired ? (
                      <Badge tone="amber">One-time password expired</Badge>
                    ) : (
                      <Badge tone="amber">One-time password</Badge>
                    )
                  ) : null}
                </span>
              </td>
              <td className="px-5 py-3 text-slate-600">{formatDateTime(row.lastLoginAt, timeZone)}</td>
              <td className="px-5 py-3">
                <UserRowActions
                  email={row.email}
                  role={row.role}
                  active={row.active}
                  locked={row.lockedUntil !== null}
                  isSelf={row.id === user.id}
                  roleOptions={roleOptions}
                />
              </td>
            </tr>
          ))}
        </SimpleTable>
        <Card>
          <CardHeader
            title="Add a user"
            description="They sign in with this email; the role decides what they see. A generated one-time password is shown once and must be replaced at the first sign-in."
          />
          <CreateUserForm roleOptions={roleOptions} />
        </Card>
      </div>
    </>
  );
}
