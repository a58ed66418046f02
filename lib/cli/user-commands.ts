import type { Db } from "@/db/client";
import type { Actor } from "@/lib/audit/log";
import { generatePassword } from "@/lib/auth/password";
import { ROLES } from "@/lib/auth/permissions";
import { defineCommand, option, type CommandContext } from "@/lib/cli/command";
import { UsageError } from "@/lib/cli/errors";
import { INVOCATION } from "@/lib/cli/help";
import { formatTable } from "@/lib/cli/table";
import {
  UserError,
  createUser,
  emailSchema,
  findUserByEmail,
  listUsers,
  newUserSchema,
  passwordSchema,
  roleSchema,
  setUserActive,
  setUserRole,
  unlockUser,
} from "@/lib/users/service";

// user:* commands: thin wrappers over lib/users/service.ts, which does the writing and auditing.

const CLI_ACTOR: Actor = { userId: null, actor: "cli" };
const PASSWORD_ATTEMPTS = 3;

const emailOption = option.required(emailSchema, { placeholder: "email", description: "The person's sign-in email." });
const roleHelp = `One of: ${ROLES.join(", ")}.`;

async function requireUser(db: Db, email: string) {
  const user = await findUserByEmail(db, email);
  if (!user) throw new UserError(`No user with the email ${email}.`, "email");
  return user;
}

/** Asks twice on the terminal, re-asking (a few times) on a too-short password or a mismatch. */
async function askNewPassword(ctx: CommandContext): Promise<string> {
  for (let attempt = 1; attempt <= PASSWORD_ATTEMPTS; attempt++) {
    const first = await ctx.promptHidden("Password: ");
    const checked = passwordSchema.safeParse(first);
    if (!checked.success) {
      ctx.err(checked.error.issues[0]?.message ?? "That password is not allowed.");
      continue;
    }
    if ((await ctx.promptHidden("Repeat password: ")) === first) return first;
    ctx.err("The passwords do not match.");
  }
  throw new UsageError("No password set after 3 attempts.", "user:create");
}

/** Timestamps in UTC so output does not depend on the server's time zone. */
function formatTimestamp(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never";
}

const createCommand = defineCommand({
  name: "user:create",
  summary: "Create a staff account.",
  options: {
    email: emailOption,
    name: option.required(newUserSchema.shape.name, { placeholder: "name", description: "Full name, shown in the portal." }),
    role: option.required(roleSchema, { placeholder: "role", description: `What they may do. ${roleHelp}` }),
    password: option.optional(passwordSchema, {
      placeholder: "password",
      secret: true,
      // Said in the help because a password typed on the command line lands in shell history.
      description: "At least 10 characters. Better omitted: then asked for (hidden), or generated off a terminal.",
    }),
  },
  examples: [`${INVOCATION} user:create --email jane@example.com --name "Jane Doe" --role manager`],
  async run({ email, name, role, password }, ctx) {
    let chosen = password;
    if (chosen === undefined && ctx.stdinIsTTY) {
      // Fail before the prompt, not after the person typed a password twice.
      if (await findUserByEmail(await ctx.db(), email)) {
        throw new UserError(`A user with the email ${email} already exists.`, "email");
      }
      chosen = await askNewPassword(ctx);
    }
    const finalPassword = chosen ?? generatePassword();
    const user = await createUser(await ctx.db(), { email, name, role, password: finalPassword }, CLI_ACTOR);
    ctx.out(`Created ${user.role} ${user.email} (${user.name}).`);
    if (chosen === undefined) ctx.out(`Password: ${finalPassword}  (shown once; store it safely)`);
  },
});

const listCommand = defineCommand({
  name: "user:list",
  summary: "List staff accounts with role, status and last sign-in.",
  options: {},
  examples: [`${INVOCATION} user:list`],
  async run(_values, ctx) {
    const users = await listUsers(await ctx.db());
    if (users.length === 0) {
      ctx.out("No users yet. Create the first admin with:");
      ctx.out(`  ${INVOCATION} user:create --email you@example.com --name "Your Name" --role admin`);
      return;
    }
    const rows = users.map((u) => [
      u.email,
      u.name,
      u.role,
      !u.active ? "inactive" : u.lockedUntil ? `locked until ${formatTimestamp(u.lockedUntil)}` : "active",
      formatTimestamp(u.lastLoginAt),
    ]);
    ctx.out(formatTable(["EMAIL", "NAME", "ROLE", "STATUS", "LAST SIGN-IN"], rows));
    const active = users.filter((u) => u.active).length;
    ctx.out("");
    ctx.out(`${users.length} ${users.length === 1 ? "user" : "users"}, ${active} active.`);
  },
});

const setRoleCommand = defineCommand({
  name: "user:set-role",
  summary: "Change what someone may do in the portal.",
  options: {
    email: emailOption,
    role: option.required(roleSchema, { placeholder: "role", description: `The new role. ${roleHelp}` }),
  },
  examples: [`${INVOCATION} user:set-role --email jane@example.com --role admin`],
  async run({ email, role }, ctx) {
    const db = await ctx.db();
    const current = await requireUser(db, email);
    if (current.role === role) {
      ctx.out(`${current.email} is already ${role}; nothing changed.`);
      return;
    }
    const user = await setUserRole(db, email, role, CLI_ACTOR);
    ctx.out(`Changed ${user.email} from ${current.role} to ${user.role}.`);
  },
});

/** user:deactivate and user:activate differ only in direction and wording. */
function activeCommand(active: boolean) {
  const name = active ? "user:activate" : "user:deactivate";
  return defineCommand({
    name,
    summary: active ? "Let a deactivated person sign in again." : "Stop someone signing in (ends their sessions).",
    options: { email: emailOption },
    examples: [`${INVOCATION} ${name} --email jane@example.com`],
    async run({ email }, ctx) {
      const db = await ctx.db();
      const current = await requireUser(db, email);
      if (current.active === active) {
        ctx.out(`${current.email} is already ${active ? "active" : "inactive"}; nothing changed.`);
        return;
      }
      const user = await setUserActive(db, email, active, CLI_ACTOR);
      ctx.out(
        active
          ? `Reactivated ${user.email} (${user.name}); they can sign in again.`
          : `Deactivated ${user.email} (${user.name}); they can no longer sign in.`,
      );
    },
  });
}

// For the admin who cannot reach System › Users: their own account is the one locked out.
const unlockCommand = defineCommand({
  name: "user:unlock",
  summary: "Lift the lock that failed sign-ins put on an account (audited).",
  options: { email: emailOption },
  examples: [`${INVOCATION} user:unlock --email jane@example.com`],
  async run({ email }, ctx) {
    const user = await unlockUser(await ctx.db(), email, CLI_ACTOR);
    ctx.out(`Unlocked ${user.email} (${user.name}); they can sign in again with their password.`);
  },
});

export const userCommands = [createCommand, listCommand, setRoleCommand, activeCommand(false), activeCommand(true), unlockCommand];
