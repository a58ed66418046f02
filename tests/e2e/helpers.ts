import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { NAVIGATION, navigationFor, type NavItem } from "../../lib/auth/navigation";
import { ROLE_PERMISSIONS, type Role } from "../../lib/auth/permissions";

// Shared by the end-to-end specs. The server (scripts/e2e-server.mjs) seeds one user per role on
// a fresh database and writes their credentials to test-results/e2e-users.json; tests that lock,
// deactivate or otherwise spoil an account create their own user with the portal CLI.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const run = promisify(execFile);

export type E2eUser = { role: Role; email: string; name: string; password: string };
type E2eFile = { baseURL: string; databaseUrl: string; users: Record<Role, E2eUser> };

let cached: E2eFile | undefined;

/** The file is written when the web server starts, so it is read lazily (never at import). */
function e2eFile(): E2eFile {
  cached ??= JSON.parse(readFileSync(path.join(root, "test-results", "e2e-users.json"), "utf8")) as E2eFile;
  return cached;
}

/** The seeded account for a role (`<role>@e2e.test`). */
export function seededUser(role: Role): E2eUser {
  const user = e2eFile().users[role];
  if (!user) throw new Error(`test-results/e2e-users.json has no ${role} user`);
  return user;
}

/** A unique, valid email for a user made by one test. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}@e2e.test`;
}

/** Creates a user through the portal CLI against the e2e server's database. */
export async function createUser(prefix: string, role: Role = "viewer"): Promise<E2eUser> {
  const user: E2eUser = {
    role,
    email: uniqueEmail(prefix),
    name: `E2E ${prefix.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => `${sep ? " " : ""}${c.toUpperCase()}`)}`,
    password: `pw-${randomBytes(9).toString("base64url")}`,
  };
  const tsx = path.join(root, "node_modules", ".bin", "tsx");
  const args = [
    "scripts/portal.ts",
    "user:create",
    "--email",
    user.email,
    "--name",
    user.name,
    "--role",
    role,
    "--password",
    user.password,
  ];
  try {
    await run(tsx, args, {
      cwd: root,
      env: { ...process.env, DATABASE_URL: e2eFile().databaseUrl, NODE_ENV: "production" },
      timeout: 60_000,
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`portal user:create ${user.email} failed: ${stderr || stdout || String(error)}`);
  }
  return user;
}

/** Fills the sign-in form on the current page and submits it. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Opens /login and signs in; resolves once the portal has been reached. */
export async function signIn(page: Page, user: Pick<E2eUser, "email" | "password">): Promise<void> {
  await page.goto("/login");
  await submitLogin(page, user.email, user.password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** The message the sign-in form shows (role=alert; Next's route announcer is an alert too). */
export function loginAlert(page: Page) {
  return page.locator("main form").getByRole("alert");
}

// One sign-in per role and worker: later tests reuse the session cookie.
const storageStates = new Map<Role, Promise<Awaited<ReturnType<BrowserContext["storageState"]>>>>();

/** A new browser context already signed in as the seeded user of `role`. */
export async function signedInContext(browser: Browser, role: Role): Promise<BrowserContext> {
  let state = storageStates.get(role);
  if (!state) {
    state = (async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await signIn(page, seededUser(role));
        return await context.storageState();
      } finally {
        await context.close();
      }
    })();
    storageStates.set(role, state);
    state.catch(() => storageStates.delete(role));
  }
  return browser.newContext({ storageState: await state });
}

/** The menu labels a role should see, in order, derived from NAVIGATION and ROLE_PERMISSIONS. */
export function expectedMenu(role: Role): string[] {
  return navigationFor(ROLE_PERMISSIONS[role]).flatMap((section) => section.items.map((item) => item.label));
}

/** Every protected page, with whether `role` may open it. */
export function pageAccess(role: Role): { item: NavItem; allowed: boolean }[] {
  return NAVIGATION.flatMap((section) => section.items).map((item) => ({
    item,
    allowed: ROLE_PERMISSIONS[role].includes(item.permission),
  }));
}

/** The h1 an allowed page shows (the dashboard greets the user by first name). */
export function headingFor(item: NavItem, user: E2eUser): string {
  return item.href === "/dashboard" ? `Welcome, ${user.name.split(/\s+/)[0]}` : item.label;
}

/** Names of the Auth.js session cookies the browser still holds. */
export async function sessionCookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((cookie) => cookie.name).filter((name) => name.includes("session-token"));
}

export const FORBIDDEN_HEADING = "You don't have access to this page";
