import { describe, expect, it } from "vitest";
import { NAVIGATION, PROTECTED_PAGES, navigationFor, safeReturnPath } from "@/lib/auth/navigation";
import { PERMISSIONS, PERMISSION_LABELS, ROLES, ROLE_LABELS, ROLE_PERMISSIONS, can, isRole, type Permission } from "@/lib/auth/permissions";

// The one permission table (lib/auth/permissions.ts) and what is derived from it: the menu and the
// sign-in return path check (lib/auth/navigation.ts).

describe("the permission table", () => {
  it("knows the nine permissions and four roles, each with a label", () => {
    expect([...PERMISSIONS].sort()).toEqual(
      [
        "convert_carts",
        "edit_customers",
        "manage_accounts",
        "manage_integrations",
        "manage_segments",
        "manage_users",
        "run_syncs",
        "view_sales",
        "work_carts",
      ].sort(),
    );
    expect(new Set(PERMISSIONS).size).toBe(PERMISSIONS.length);
    expect([...ROLES]).toEqual(["admin", "manager", "agent", "viewer"]);
    expect(Object.keys(PERMISSION_LABELS).sort()).toEqual([...PERMISSIONS].sort());
    expect(Object.keys(ROLE_LABELS).sort()).toEqual([...ROLES].sort());
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
  });

  it("gives the admin every permission", () => {
    expect(PERMISSIONS).toHaveLength(9);
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort());
    for (const permission of PERMISSIONS) expect(can("admin", permission)).toBe(true);
  });

  it("gives the viewer view_sales and nothing else", () => {
    expect(ROLE_PERMISSIONS.viewer).toEqual(["view_sales"]);
    for (const permission of PERMISSIONS) expect(can("viewer", permission)).toBe(permission === "view_sales");
  });

  it.each(ROLES)("gives %s view_sales, and only known permissions, each once", (role) => {
    expect(ROLE_PERMISSIONS[role]).toContain("view_sales");
    for (const permission of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(permission);
    expect(new Set(ROLE_PERMISSIONS[role]).size).toBe(ROLE_PERMISSIONS[role].length);
  });

  it("keeps the roles ordered by power: each role's permissions include the next one's", () => {
    for (let i = 0; i + 1 < ROLES.length; i++) {
      const higher = ROLE_PERMISSIONS[ROLES[i]!];
      for (const permission of ROLE_PERMISSIONS[ROLES[i + 1]!]) expect(higher).toContain(permission);
    }
  });

  it("makes can() agree with ROLE_PERMISSIONS for every role × permission", () => {
    for (const role of ROLES) {
      for (const permission of PERMISSIONS) {
        expect(can(role, permission), `${role} × ${permission}`).toBe(ROLE_PERMISSIONS[role].includes(permission));
      }
    }
  });

  it("recognises only the known roles", () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of ["Admin", "root", "", " admin", null, undefined, 1, {}]) expect(isRole(value)).toBe(false);
  });
});

describe("navigationFor", () => {
  const hrefs = (permissions: readonly Permission[]) =>
    navigationFor(permissions).flatMap((section) => section.items.map((item) => item.href));

  it("shows the admin the whole menu", () => {
    expect(navigationFor(ROLE_PERMISSIONS.admin)).toEqual(NAVIGATION);
  });

  it.each(ROLES)("shows %s exactly the items its permissions allow", (role) => {
    const allowed = PROTECTED_PAGES.filter((page) => can(role, page.permission)).map((page) => page.href);
    expect(hrefs(ROLE_PERMISSIONS[role])).toEqual(allowed);
  });

  it("hides the System section from a viewer and an agent, and empty sections from everyone", () => {
    for (const role of ["viewer", "agent"] as const) {
      const sections = navigationFor(ROLE_PERMISSIONS[role]);
      expect(sections.map((s) => s.label)).not.toContain("System");
      expect(hrefs(ROLE_PERMISSIONS[role]).some((href) => href.startsWith("/system/"))).toBe(false);
    }
    for (const role of ROLES) {
      for (const section of navigationFor(ROLE_PERMISSIONS[role])) expect(section.items.length).toBeGreaterThan(0);
    }
  });

  it("shows a manager Sync History but not Integrations, Users or Audit Log", () => {
    const manager = hrefs(ROLE_PERMISSIONS.manager);
    expect(manager).toContain("/system/sync-history");
    expect(manager).not.toContain("/system/integrations");
    expect(manager).not.toContain("/system/users");
    expect(manager).not.toContain("/system/audit-log");
  });

  it("shows nothing without permissions", () => {
    expect(navigationFor([])).toEqual([]);
  });

  it("lists each protected page once, with a known permission", () => {
    const all = PROTECTED_PAGES.map((page) => page.href);
    expect(new Set(all).size).toBe(all.length);
    for (const page of PROTECTED_PAGES) expect(PERMISSIONS).toContain(page.permission);
  });
});

describe("safeReturnPath", () => {
  it.each([
    ["//evil.com"],
    ["//evil.com/sales/orders"],
    ["https://evil.com"],
    ["http://evil.com/dashboard"],
    ["javascript:alert(1)"],
    ["/\\evil"],
    ["/\\evil.com/x"],
    ["/login"],
    ["/login?callbackUrl=%2Fdashboard"],
    ["/login/extra"],
    ["/api/auth/signout"],
    ["/api/inngest"],
    ["evil.com"],
    ["dashboard"],
    [""],
  ])("rejects %j", (value) => {
    expect(safeReturnPath(value)).toBe("/dashboard");
  });

  it.each([[undefined], [null], [42], [["/sales/orders"]], [{}]])("rejects the non-string %j", (value) => {
    expect(safeReturnPath(value)).toBe("/dashboard");
  });

  it.each([["/sales/orders?status=pending"], ["/dashboard"], ["/system/users"], ["/customers#top"]])("keeps %j", (value) => {
    expect(safeReturnPath(value)).toBe(value);
  });

  it("uses the given fallback", () => {
    expect(safeReturnPath("//evil.com", "/sales/carts")).toBe("/sales/carts");
    expect(safeReturnPath("/sales/carts", "/elsewhere")).toBe("/sales/carts");
  });
});
