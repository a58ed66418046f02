import type { Db } from "@/db/client";
import { generatePassword } from "@/lib/auth/password";
import { ROLES, ROLE_LABELS, type Role } from "@/lib/auth/permissions";
import { createUser, findUserByEmail } from "./service";

export type DemoUser = { email: string; name: string; role: Role; password: string };

const DEMO_NAMES: Record<Role, string> = {
  admin: "Ada Admin",
  manager: "Max Manager",
  agent: "Alex Agent",
  viewer: "Vic Viewer",
};

export const demoEmail = (role: Role) => `${role}@demo.local`;

/** Creates one demo user per role that does not exist yet; returns only the new ones. */
export async function seedDemoUsers(db: Db): Promise<DemoUser[]> {
  const created: DemoUser[] = [];
  for (const role of ROLES) {
    const email = demoEmail(role);
    if (await findUserByEmail(db, email)) continue;
    const password = generatePassword();
    await createUser(db, { email, name: DEMO_NAMES[role], role, password }, { userId: null, actor: "demo-setup" });
    created.push({ email, name: DEMO_NAMES[role], role, password });
  }
  return created;
}

export function formatDemoUsers(users: DemoUser[]): string {
  const lines = users.map((u) => `${ROLE_LABELS[u.role].padEnd(14)} ${u.email.padEnd(22)} ${u.password}`);
  return [`${"Role".padEnd(14)} ${"Email".padEnd(22)} Password`, ...lines].join("\n");
}
