import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdUpdated, id, timestamptz } from "./columns";

export const ROLES = ["admin", "manager", "agent", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    passwordHash: text("password_hash").notNull(),
    active: boolean("active").notNull().default(true),
    // Grid column choices, page sizes, time zone: per-user UI state.
    preferences: jsonb("preferences").$type<Record<string, unknown>>().notNull().default({}),
    lastLoginAt: timestamptz("last_login_at"),
    deactivatedAt: timestamptz("deactivated_at"),
    // Set when an admin hands out a one-time password: the next sign-in must choose a new one.
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    // When that one-time password was handed out: it stops working ONE_TIME_PASSWORD_HOURS later.
    oneTimePasswordIssuedAt: timestamptz("one_time_password_issued_at"),
    // Sessions signed in before this are refused (a password reset or a deactivation ends them).
    sessionsValidAfter: timestamptz("sessions_valid_after"),
    ...createdUpdated(),
  },
  (t) => [
    // Emails are stored lower-cased; the index enforces one account per address.
    uniqueIndex("users_email_key").on(t.email),
    check("users_role_check", sql`${t.role} in ('admin', 'manager', 'agent', 'viewer')`),
    check("users_email_lower_check", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * Failed sign-in counters, per account ("account:<email>") and per client ("ip:<address>").
 * Kept in the database so a restart does not reset an attacker's budget.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull().default(0),
    windowStartedAt: timestamptz("window_started_at").notNull().defaultNow(),
    lockedUntil: timestamptz("locked_until"),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [
    index("login_throttle_locked_until_idx").on(t.lockedUntil),
    // Finds the counters whose window has run out, to forget them (lib/auth/throttle.ts).
    index("login_throttle_window_started_idx").on(t.windowStartedAt),
  ],
);

/**
 * Sessions ended by signing out. Session tokens are stateless JWTs, so a copy of a token that
 * outlived its cookie (a late response, a stolen cookie) is refused by its session id here.
 */
export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: bigint("user_id", { mode: "number" }).references(() => users.id, { onDelete: "cascade" }),
    revokedAt: timestamptz("revoked_at").notNull().defaultNow(),
    // After this the token has expired anyway and the row can be deleted.
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (t) => [index("revoked_sessions_expires_idx").on(t.expiresAt)],
);
