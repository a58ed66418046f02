import type { z } from "zod";
import type { Db } from "@/db/client";
import { parseArgs, type ParseSpec } from "@/lib/cli/args";
import { UsageError } from "@/lib/cli/errors";

// What a CLI command is: one object per command (name, summary, options, run), so adding the
// channel:* commands later is one more entry in lib/cli/commands.ts.

type OptionHelp = {
  /** Shown in usage as `--email <placeholder>`. */
  placeholder: string;
  description: string;
  /** Never echo the value back in error messages (passwords). */
  secret?: boolean;
};

export type OptionDef<T = unknown, Present extends boolean = boolean> = OptionHelp & {
  kind: "value" | "flag";
  required: Present;
  schema?: z.ZodType<T>;
};

export type OptionDefs = Record<string, OptionDef>;

/** The typed values `run` receives: optional options may be undefined, flags are always boolean. */
export type OptionValues<O extends OptionDefs> = {
  [K in keyof O]: O[K] extends OptionDef<infer T, infer Present> ? (Present extends true ? T : T | undefined) : never;
};

export const option = {
  required<T>(schema: z.ZodType<T>, help: OptionHelp): OptionDef<T, true> {
    return { kind: "value", required: true, schema, ...help };
  },
  optional<T>(schema: z.ZodType<T>, help: OptionHelp): OptionDef<T, false> {
    return { kind: "value", required: false, schema, ...help };
  },
  // `required: true` here only means "always has a value" (false when absent); flags are never mandatory.
  flag(description: string): OptionDef<boolean, true> {
    return { kind: "flag", required: true, placeholder: "", description };
  },
};

/** What a command may use besides its options; the runner supplies it. */
export type CommandContext = {
  /** The migrated database, opened on first call (help and usage errors never open it). */
  db(): Promise<Db>;
  out(line: string): void;
  err(line: string): void;
  stdinIsTTY: boolean;
  /** Reads one line from the terminal without echoing it. */
  promptHidden(question: string): Promise<string>;
};

export type Command<O extends OptionDefs = OptionDefs> = {
  name: string;
  summary: string;
  options: O;
  examples: readonly string[];
  // Method syntax on purpose: lets a Command<SpecificOptions> sit in a Command[] table.
  run(values: OptionValues<O>, ctx: CommandContext): Promise<void>;
};

export function defineCommand<O extends OptionDefs>(command: Command<O>): Command<O> {
  return command;
}

function parseSpecOf(options: OptionDefs): ParseSpec {
  const spec: ParseSpec = {};
  for (const [name, def] of Object.entries(options)) {
    spec[name] = { takesValue: def.kind === "value", required: def.kind === "value" && def.required };
  }
  return spec;
}

/** Parses and validates a command's arguments; every problem becomes a UsageError naming the option. */
export function readOptions<O extends OptionDefs>(
  command: Command<O>,
  tokens: readonly string[],
): { help: true } | { help: false; values: OptionValues<O> } {
  const parsed = parseArgs(tokens, parseSpecOf(command.options), command.name);
  if (parsed.help) return parsed;

  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(command.options)) {
    const raw = parsed.options[name];
    if (def.kind === "flag") {
      values[name] = raw === true;
      continue;
    }
    if (raw === undefined || raw === true || !def.schema) {
      values[name] = raw;
      continue;
    }
    const result = def.schema.safeParse(raw);
    if (!result.success) {
      const reason = result.error.issues[0]?.message ?? "invalid value.";
      const shown = def.secret ? "" : ` ${JSON.stringify(raw)}`;
      throw new UsageError(`Invalid --${name}${shown}: ${reason}`, command.name);
    }
    values[name] = result.data;
  }
  return { help: false, values: values as OptionValues<O> };
}
