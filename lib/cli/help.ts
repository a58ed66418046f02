import type { Command, OptionDef } from "@/lib/cli/command";
import { formatTable } from "@/lib/cli/table";

// Help text: the global command list and one page per command, built from the command table.

export const INVOCATION = "npm run portal --";

/** The second line of every usage error: where to read more. */
export function usageHint(command?: string): string {
  return `Run \`${INVOCATION} ${command ? `${command} ` : ""}--help\` for usage.`;
}

function optionLabel(name: string, def: OptionDef): string {
  return def.kind === "flag" ? `--${name}` : `--${name} <${def.placeholder}>`;
}

function usageLine(command: Command): string {
  const parts = Object.entries(command.options).map(([name, def]) => {
    const label = optionLabel(name, def);
    return def.kind === "value" && def.required ? label : `[${label}]`;
  });
  return [INVOCATION, command.name, ...parts].join(" ");
}

/** Indents a formatted block by two spaces (the help sections' style). */
function indent(block: string): string {
  return block
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}

export function formatGlobalHelp(commands: readonly Command[]): string {
  const rows = commands.map((command) => [command.name, command.summary]);
  rows.push(["help [command]", "Show this list, or one command's options."]);
  return [
    "Sales portal command line.",
    "",
    `Usage: ${INVOCATION} <command> [options]`,
    "",
    "Commands:",
    indent(formatTable(null, rows)),
    "",
    `Run \`${INVOCATION} <command> --help\` for a command's options and an example.`,
    "Database: DATABASE_URL when set, otherwise the embedded database in .data/ (or PORTAL_DATA_DIR).",
  ].join("\n");
}

export function formatCommandHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, def]) => [
    optionLabel(name, def),
    def.kind === "value" && def.required ? `${def.description} (required)` : def.description,
  ]);
  rows.push(["-h, --help", "Show this help."]);
  const lines = [command.summary, "", `Usage: ${usageLine(command)}`, "", "Options:", indent(formatTable(null, rows))];
  if (command.examples.length > 0) {
    lines.push("", command.examples.length === 1 ? "Example:" : "Examples:", ...command.examples.map((e) => `  ${e}`));
  }
  return lines.join("\n");
}
