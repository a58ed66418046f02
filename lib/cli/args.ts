import { UsageError } from "@/lib/cli/errors";

// Turns a command's argv into raw option values. Pure: no I/O, no validation beyond the shape
// of the command line (zod checks the values afterwards, in lib/cli/command.ts).

export type OptionShape = { takesValue: boolean; required?: boolean };
export type ParseSpec = Record<string, OptionShape>;
export type ParsedOptions = Record<string, string | true>;
export type ParseResult = { help: true } | { help: false; options: ParsedOptions };

const HELP_TOKENS = new Set(["--help", "-h"]);

/** True when a token would be read as an option rather than as a value. */
function looksLikeOption(token: string): boolean {
  return token.startsWith("--") || HELP_TOKENS.has(token);
}

/**
 * Parses `--name value`, `--name=value` and bare `--flag` tokens against `spec`.
 * `--help`/`-h` anywhere wins over everything else, so help works even on a broken line.
 * Throws UsageError for unknown options, missing or unexpected values, repeats and stray words.
 */
export function parseArgs(tokens: readonly string[], spec: ParseSpec, command?: string): ParseResult {
  if (tokens.some((token) => HELP_TOKENS.has(token))) return { help: true };

  const options: ParsedOptions = {};
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith("--") || token === "--") {
      throw new UsageError(`Unexpected argument "${token}"; options look like --name value.`, command);
    }
    const eq = token.indexOf("=");
    const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
    const shape = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!shape) throw new UsageError(`Unknown option --${name}.`, command);
    if (Object.hasOwn(options, name)) throw new UsageError(`Option --${name} is given more than once.`, command);

    if (!shape.takesValue) {
      if (eq !== -1) throw new UsageError(`Option --${name} does not take a value.`, command);
      options[name] = true;
      continue;
    }
    if (eq !== -1) {
      options[name] = token.slice(eq + 1);
      continue;
    }
    const next = tokens[i + 1];
    if (next === undefined || looksLikeOption(next)) {
      throw new UsageError(`Option --${name} needs a value.`, command);
    }
    options[name] = next;
    i++;
  }

  // Name every missing option at once rather than one per attempt.
  const missing = Object.entries(spec)
    .filter(([name, shape]) => shape.required && !Object.hasOwn(options, name))
    .map(([name]) => `--${name}`);
  if (missing.length > 0) {
    throw new UsageError(`Missing required option${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`, command);
  }
  return { help: false, options };
}
