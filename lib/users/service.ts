import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { loginThrottle, users } from "@/db/schema";
import { writeAudit, type Actor } from "@/lib/audit/log";
import { oneTimePasswordExpired } from "@/lib/auth/limits";
import { MIN_PASSWORD_LENGTH, generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { accountKey } from "@/lib/auth/throttle";

// User management shared by the CLI (scripts/portal.ts) and System › Users.

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address, like jane@example.com." }));
export const roleSchema = z.enum(ROLES, { message: `Role must be one of: ${ROLES.join(", ")}.` });
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `Password must be at least ${MIN_PASSWORD_LENGTH} characters.` })
  .max(200, { message: "Password must be at most 200 characters." });

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, { message: "Enter the person's name." }).max(200),
  role: roleSchema,
  password: passwordSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

export type PublicUser = {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  /** Still holds a one-time password an admin handed out. */
  mustChangePassword: boolean;
};

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  active: users.active,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
  mustChangePassword: users.mustChangePassword,
};

export class UserError extends Error {
  constructor(
    message: string,
    readonly field?: "email" | "name" | "role" | "password",
  ) {
    super(message);
    this.name = "UserError";
  }
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row ?? null;
}

/**
 * Creates a user. With `oneTimePassword`, the password is one an admin passes on: the user must
 * choose their own at the first sign-in.
 */
export async function createUser(db: Db, input: NewUser, by: Actor, options: { oneTimePassword?: boolean } = {}): Promise<PublicUser> {
  const data = newUserSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  const oneTime = options.oneTimePassword === true;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(users)
      .values({
        email: data.email,
        name: data.name,
        role: data.role,
        passwordHash,
        mustChangePassword: oneTime,
        oneTimePasswordIssuedAt: oneTime ? new Date() : null,
      })
      .onConflictDoNothing({ target: users.email })
      .returning(publicColumns);
    const user = inserted[0];
    if (!user) throw new UserError(`A user with the email ${data.email} already exists.`, "email");
    await writeAudit(tx, {
      ...by,
      action: "user.created",
      entityType: "user",
      entityId: user.id,
      // That a one-time password was generated, never the password.
      details: { email: user.email, name: user.name, role: user.role, ...(oneTime ? { oneTimePassword: "generated" } : {}) },
    });
    return user;
  });
}

/** A row of System › Users: the user, whether failed sign-ins have locked them out, and until when. */
export type ListedUser = PublicUser & {
  /** Set while too many failed sign-ins keep the account locked. */
  lockedUntil: Date | null;
  /** Still holds a one-time password, and it has run out: only a new reset lets them in. */
  oneTimePasswordExpired: boolean;
};

export async function listUsers(db: Db): Promise<ListedUser[]> {
  const rows = await db
    .select({ ...publicColumns, oneTimePasswordIssuedAt: users.oneTimePasswordIssuedAt, lockedUntil: loginThrottle.lockedUntil })
    .from(users)
    .leftJoin(
      loginThrottle,
      and(eq(loginThrottle.key, sql`${accountKey("")} || ${users.email}`), gt(loginThrottle.lockedUntil, sql`now()`)),
    )
    .orderBy(asc(users.email));
  return rows.map(({ oneTimePasswordIssuedAt, ...row }) => ({
    ...row,
    oneTimePasswordExpired: row.mustChangePassword && oneTimePasswordExpired(oneTimePasswordIssuedAt),
  }));
}

async function requireUserByEmail(db: Db, email: string) {
  const user = await findUserByEmail(db, email);
  if (!user) throw new UserError(`No user with the email ${email.trim().toLowerCase()}.`, "email");
  return user;
}

/**
 * The portal must always keep an active admin, and an admin cannot demote themself (they would
 * lock themself out of this page). Checked inside the change's transaction, after locking the
 * admins' rows, so two admins demoting each other at once cannot both succeed.
 */
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function assertAdminsRemain(
  tx: Tx,
  target: { id: number; role: Role; active: boolean },
  next: { role: Role; active: boolean },
  by: Actor,
) {
  const losesAdmin = target.role === "admin" && target.active && (next.role !== "admin" || !next.active);
  if (!losesAdmin) return;
  if (by.userId === target.id && next.role !== "admin")
    throw new UserError("You cannot remove your own admin role; ask another admin.", "role");
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true)))
    .for("update");
  if (admins.filter((a) => a.id !== target.id).length === 0) {
    throw new UserError("This is the last active admin: make someone else an admin first.", next.role !== "admin" ? "role" : undefined);
  }
}

export async function setUserRole(db: Db, email: string, role: Role, by: Actor): Promise<PublicUser> {
  const target = await requireUserByEmail(db, email);
  const newRole = roleSchema.parse(role);
  return db.transaction(async (tx) => {
    await assertAdminsRemain(tx, target, { role: newRole, active: target.active }, by);
    const [user] = await tx
      .update(users)
      .set({ role: newRole, updatedAt: new Date() })
      .where(eq(users.id, target.id))
      .returning(publicColumns);
    await writeAudit(tx, {
      ...by,
      action: "user.role_changed",
      entityType: "user",
      entityId: target.id,
      details: { email: target.email, from: target.role, to: newRole },
    });
    return user!;
  });
}

/**
 * Deactivated users cannot sign in, and their open sessions end on their next request. The end is
 * for good: reactivating lets them sign in again, but no session from before comes back.
 */
export async function setUserActive(db: Db, email: string, active: boolean, by: Actor): Promise<PublicUser> {
  const target = await requireUserByEmail(db, email);
  return db.transaction(async (tx) => {
    if (by.userId === target.id && !active) throw new UserError("You cannot deactivate yourself; ask another admin.");
    await assertAdminsRemain(tx, target, { role: target.role, active }, by);
    const now = new Date();
    const [user] = await tx
      .update(users)
      .set(
        active ? { active, deactivatedAt: null, updatedAt: now } : { active, deactivatedAt: now, sessionsValidAfter: now, updatedAt: now },
      )
      .where(eq(users.id, target.id))
      .returning(publicColumns);
    await writeAudit(tx, {
      ...by,
      action: active ? "user.reactivated" : "user.deactivated",
      entityType: "user",
      entityId: target.id,
      details: { email: target.email },
    });
    return user!;
  });
}

/**
 * An admin's password reset: a fresh one-time password replaces the old one, every session the
 * user has ends, and they must choose their own password at the next sign-in. The password is
 * returned once, to be shown to the admin; only its hash is stored.
 */
export async function resetPassword(db: Db, email: string, by: Actor): Promise<{ user: PublicUser; password: string }> {
  const target = await requireUserByEmail(db, email);
  if (by.userId === target.id) throw new UserError("You cannot reset your own password here; ask another admin.", "email");
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const now = new Date();
    const [user] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, oneTimePasswordIssuedAt: now, sessionsValidAfter: now, updatedAt: now })
      .where(eq(users.id, target.id))
      .returning(publicColumns);
    // The failed sign-ins that locked the account are forgotten, or the new password would be refused too.
    const unlocked = await clearAccountLock(tx, target.email);
    await writeAudit(tx, {
      ...by,
      action: "user.password_reset",
      entityType: "user",
      entityId: target.id,
      details: { email: target.email, oneTimePassword: "generated", sessionsEnded: true, ...(unlocked ? { unlocked: true } : {}) },
    });
    return { user: user!, password };
  });
}

/**
 * The user replaces a one-time password with their own. Sessions from before end (whoever else
 * signed in with the one-time password is out); the caller signs the user in afresh.
 */
export async function chooseOwnPassword(db: Db, userId: number, newPassword: string, ip: string | null): Promise<PublicUser> {
  const password = passwordSchema.parse(newPassword);
  const [current] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!current || !current.active) throw new UserError("This account can no longer sign in.");
  if (await verifyPassword(current.passwordHash, password)) {
    throw new UserError("Choose a password different from the one-time password.", "password");
  }
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const now = new Date();
    const [user] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, oneTimePasswordIssuedAt: null, sessionsValidAfter: now, updatedAt: now })
      .where(eq(users.id, userId))
      .returning(publicColumns);
    await writeAudit(tx, {
      userId,
      actor: current.email,
      ip,
      action: "user.password_changed",
      entityType: "user",
      entityId: userId,
      details: { email: current.email, replacedOneTimePassword: current.mustChangePassword },
    });
    return user!;
  });
}

/** Forgets the account's failed sign-ins; returns when it was locked until, or null if it was not locked. */
async function clearAccountLock(tx: Pick<Db, "delete">, email: string): Promise<Date | null> {
  const [cleared] = await tx
    .delete(loginThrottle)
    .where(eq(loginThrottle.key, accountKey(email)))
    .returning({ lockedUntil: loginThrottle.lockedUntil });
  return cleared?.lockedUntil && cleared.lockedUntil.getTime() > Date.now() ? cleared.lockedUntil : null;
}

/**
 * An admin lifts the lock that failed sign-ins put on an account, so the user can try again at
 * once instead of waiting for it to run out. The user's password and sessions are unchanged.
 */
export async function unlockUser(db: Db, email: string, by: Actor): Promise<PublicUser> {
  const target = await requireUserByEmail(db, email);
  return db.transaction(async (tx) => {
    const lockedUntil = await clearAccountLock(tx, target.email);
    if (!lockedUntil) throw new UserError(`${target.email} is not locked out; they can sign in.`);
    await writeAudit(tx, {
      ...by,
      action: "user.unlocked",
      entityType: "user",
      entityId: target.id,
      details: { email: target.email, lockedUntil: lockedUntil.toISOString() },
    });
    const { id, name, role, active, lastLoginAt, createdAt, mustChangePassword } = target;
    return { id, email: target.email, name, role, active, lastLoginAt, createdAt, mustChangePassword };
  });
}
