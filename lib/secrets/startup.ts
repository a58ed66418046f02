import { MissingSecretError, ensureSecrets } from "./keys";
import { logger } from "@/lib/log";

/** Server start: load or generate the secrets, or stop the process saying which one is missing. */
export function ensureSecretsOrExit(): void {
  try {
    ensureSecrets();
  } catch (error) {
    if (error instanceof MissingSecretError) {
      logger().fatal({ component: "secrets" }, error.message);
      process.exit(1);
    }
    throw error;
  }
}
