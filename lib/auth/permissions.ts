import { ROLES, type Role } from "@/db/schema/auth";

export { ROLES, type Role };

/** Everything a signed-in person may be allowed to do. */
export const PERMISSIONS = [
  "view_sales",
  "work_carts",
  "convert_carts",
  "edit_customers",
  "run_syncs",
  "manage_integrations",
  "manage_users",
  "manage_segments",
  "manage_accounts",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const PERMISSION_LABELS: Record<Permission, string> = {
  view_sales: "View sales data",
  work_carts: "Work carts (follow-up)",
  convert_carts: "Convert carts to orders",
  edit_customers: "Edit customers",
  run_syncs: "Run syncs",
  manage_integrations: "Manage integrations",
  manage_users: "Manage users",
  // Edit and delete marketing segments shared with the team, not only one's own (lib/segments).
  manage_segments: "Manage shared segments",
  // Merge accounts, move a customer to another account, set an account's owner (lib/accounts).
  manage_accounts: "Manage accounts",
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  manager: "Sales manager",
  agent: "Sales agent",
  viewer: "Viewer",
};

/** The one permission table. Every guard in the portal reads it. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: ["view_sales", "work_carts", "convert_carts", "edit_customers", "run_syncs", "manage_segments", "manage_accounts"],
  // Placing an order in Magento is a manager's call (issue 7): agents follow up, they do not convert.
  agent: ["view_sales", "work_carts"],
  viewer: ["view_sales"],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
