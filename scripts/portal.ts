// `npm run portal -- <command>`: the portal's command line (user management for now).
import { COMMANDS } from "@/lib/cli/commands";
import { readHiddenLine } from "@/lib/cli/prompt";
import { runCli } from "@/lib/cli/run";

const code = await runCli(process.argv.slice(2), COMMANDS, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdinIsTTY: process.stdin.isTTY === true,
  promptHidden: (question) => readHiddenLine(question),
});
// exitCode rather than exit(): lets piped stdout/stderr flush before the process ends.
process.exitCode = code;
