import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { ROLES, ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/date";
import { listUsersFor } from "@/lib/users/queries";
import { CreateUserForm } from "./create-user-form";
import { UserRowActions } from "./user-row-actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requirePagePermission("manage_users");
  const users = await listUsersFor(user);
  const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
  return (
    <>
      <PageHeader breadcrumb="System" title="Users" description="Who can sign in to the portal, and with which role." />
      <div className="space-y-6">
        <Card>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-5 py-3 font-medium">Name</th>
                <th className="px-5 py-3 font-medium">Email</th>
                <th className="px-5 py-3 font-medium">Role</th>
                <th className="px-5 py-3 font-medium">Status</th>
                <th className="px-5 py-3 font-medium">Last sign-in</th>
                <th className="px-5 py-3 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((row) => (
                <tr key={row.id} data-testid={`user-row-${row.email}`}>
                  <td className="px-5 py-3 font-medium">{row.name}</td>
                  <td className="px-5 py-3 text-slate-600">{row.email}</td>
                  <td className="px-5 py-3">{ROLE_LABELS[row.role]}</td>
                  <td className="px-5 py-3">{row.active ? <Badge tone="green">Active</Badge> : <Badge tone="red">Deactivated</Badge>}</td>
                  <td className="px-5 py-3 text-slate-600">{formatDateTime(row.lastLoginAt)}</td>
                  <td className="px-5 py-3">
                    <UserRowActions email={row.email} role={row.role} active={row.active} isSelf={row.id === user.id} roleOptions={roleOptions} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card>
          <CardHeader title="Add a user" description="They sign in with this email and password; the role decides what they see." />
          <CreateUserForm roleOptions={roleOptions} />
        </Card>
      </div>
    </>
  );
}
