import type { Command } from "@/lib/cli/command";
import { channelCommands } from "@/lib/cli/channel-commands";
import { userCommands } from "@/lib/cli/user-commands";

/** Every `npm run portal` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [...userCommands, ...channelCommands];
