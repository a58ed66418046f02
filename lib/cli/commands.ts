import type { Command } from "@/lib/cli/command";
import { userCommands } from "@/lib/cli/user-commands";

/** Every `npm run portal` command, in the order `--help` lists them. New groups (channel:*) go here. */
export const COMMANDS: readonly Command[] = [...userCommands];
