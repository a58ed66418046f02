import { Inngest } from "inngest";
import { logger } from "@/lib/log";

/**
 * The portal's Inngest client. lib/jobs sends events with it (dispatch.ts); the functions that
 * receive them live in inngest/ as thin wrappers over lib/. Without an Inngest server nothing is
 * sent and the work runs in this process instead (settings.ts decides). The SDK reads its settings
 * itself (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_BASE_URL, INNGEST_DEV,
 * INNGEST_SERVE_ORIGIN); settings.ts checks at start that they make a working combination.
 */
// The SDK's own messages and the functions' ctx.logger write the portal's JSON log lines.
export const inngest = new Inngest({ id: "magento-sales-portal", logger: logger().child({ component: "inngest" }) });
