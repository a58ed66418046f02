import { DrizzleQueryError } from "drizzle-orm";
import { ZodError } from "zod";
import { closeDb, getDbHandle, type Db } from "@/db/client";
import { safeErrorMessage } from "@/db/errors";
import { migrateDatabase } from "@/db/migrate";
import { DatabaseLockedError } from "@/db/pglite-lock";
import { readOptions, type Command, type CommandContext } from "@/lib/cli/command";
import { CliError, UsageError } from "@/lib/cli/errors";
import { formatCommandHelp, formatGlobalHelp, usageHint } from "@/lib/cli/help";
import { UserError } from "@/lib/users/service";

// Dispatches argv to a command and maps every outcome to an exit code:
// 0 success, 1 the action failed (domain error, database in use), 2 the command line was wrong.

export type CliIo = Pick<CommandContext, "out" | "err" | "stdinIsTTY" | "promptHidden">;

const GLOBAL_HELP = new Set(["help", "--help", "-h"]);

/** Opens the process's database once and brings its schema up to date (migrations are idempotent). */
function lazyDatabase(): () => Promise<Db> {
  let opened: Promise<Db> | undefined;
  return () =>
    (opened ??= (async () => {
      const handle = await getDbHandle();
      await migrateDatabase(handle.db, handle.kind);
      return handle.db;
    })());
}

async function dispatch(argv: readonly string[], commands: readonly Command[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  const find = (name: string) => commands.find((command) => command.name === name);

  if (first === undefined || GLOBAL_HELP.has(first)) {
    // `help <command>` is the same as `<command> --help`.
    const topic = first === "help" ? rest[0] : undefined;
    if (topic !== undefined) {
      const command = find(topic);
      if (!command) throw new UsageError(`Unknown command "${topic}".`);
      io.out(formatCommandHelp(command));
    } else {
      io.out(formatGlobalHelp(commands));
    }
    return 0;
  }
  if (first.startsWith("-")) throw new UsageError(`Expected a command before "${first}".`);

  const command = find(first);
  if (!command) throw new UsageError(`Unknown command "${first}".`);

  const parsed = readOptions(command, rest);
  if (parsed.help) {
    io.out(formatCommandHelp(command));
    return 0;
  }
  await command.run(parsed.values, { ...io, db: lazyDatabase() });
  return 0;
}

/** Prints an error the way its kind deserves and returns the exit code. */
function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.err(error.message);
    io.err(usageHint(error.command));
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.err(error.message);
    return error.exitCode;
  }
  if (error instanceof UserError || error instanceof DatabaseLockedError) {
    io.err(error.message);
    return 1;
  }
  if (error instanceof ZodError) {
    // Options are validated up front, so this only fires if a service rejects something the CLI let through.
    io.err(error.issues[0]?.message ?? "Invalid input.");
    return 2;
  }
  if (error instanceof DrizzleQueryError) {
    // Its own message lists the query's parameters, which can include a password hash.
    io.err(`Database error: ${safeErrorMessage(error)}`);
    return 1;
  }
  io.err(`Unexpected error: ${safeErrorMessage(error)}`);
  return 1;
}

/** Runs one CLI invocation and returns its exit code; the database is always closed before returning. */
export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliIo): Promise<number> {
  let code: number;
  try {
    code = await dispatch(argv, commands, io);
  } catch (error) {
    code = report(error, io);
  }
  try {
    await closeDb();
  } catch (error) {
    io.err(`Could not close the database cleanly: ${error instanceof Error ? error.message : String(error)}`);
    if (code === 0) code = 1;
  }
  return code;
}
