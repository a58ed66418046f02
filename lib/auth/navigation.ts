import type { Permission } from "./permissions";

export type NavItem = { label: string; href: string; permission: Permission };
export type NavSection = { label: string | null; items: NavItem[] };

/** The portal's menu: one place for the paths, their labels and who may open them. */
export const NAVIGATION: NavSection[] = [
  { label: null, items: [{ label: "Dashboard", href: "/dashboard", permission: "view_sales" }] },
  {
    label: "Sales",
    items: [
      { label: "Shopping Carts", href: "/sales/carts", permission: "view_sales" },
      { label: "Orders", href: "/sales/orders", permission: "view_sales" },
      { label: "Credit Memos", href: "/sales/credit-memos", permission: "view_sales" },
      { label: "My Follow-ups", href: "/sales/follow-ups", permission: "work_carts" },
      { label: "Orders to Follow Up", href: "/sales/orders-to-follow-up", permission: "work_carts" },
    ],
  },
  {
    label: "Customers",
    items: [
      { label: "Magento Customers", href: "/customers", permission: "view_sales" },
      { label: "Accounts", href: "/customers/accounts", permission: "view_sales" },
    ],
  },
  {
    label: "Marketing",
    items: [
      { label: "Newsletter Subscribers", href: "/marketing/subscribers", permission: "view_sales" },
      { label: "Segments", href: "/marketing/segments", permission: "view_sales" },
    ],
  },
  {
    label: "Reports",
    items: [
      { label: "Customers by Lifetime Value", href: "/reports/customers", permission: "view_sales" },
      { label: "Abandoned Carts", href: "/reports/abandoned-carts", permission: "view_sales" },
      { label: "Sales by Period", href: "/reports/sales", permission: "view_sales" },
      { label: "Best-selling Products", href: "/reports/products", permission: "view_sales" },
      { label: "Refunds", href: "/reports/refunds", permission: "view_sales" },
    ],
  },
  {
    label: "System",
    items: [
      { label: "Integrations", href: "/system/integrations", permission: "manage_integrations" },
      { label: "Sync History", href: "/system/sync-history", permission: "run_syncs" },
      { label: "Users", href: "/system/users", permission: "manage_users" },
      { label: "Audit Log", href: "/system/audit-log", permission: "manage_users" },
    ],
  },
];

export const PROTECTED_PAGES: NavItem[] = NAVIGATION.flatMap((section) => section.items);

/** Only the sections and items this user's permissions allow. */
export function navigationFor(permissions: readonly Permission[]): NavSection[] {
  return NAVIGATION.map((section) => ({
    ...section,
    items: section.items.filter((item) => permissions.includes(item.permission)),
  })).filter((section) => section.items.length > 0);
}

/** Only same-site paths are valid return targets after sign-in (no open redirects). */
export function safeReturnPath(value: unknown, fallback = "/dashboard"): string {
  // Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"): refuse control characters.
  if (typeof value !== "string" || /[\u0000-\u001f\u007f]/.test(value)) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  if (value.startsWith("/login") || value.startsWith("/api/")) return fallback;
  return value;
}
