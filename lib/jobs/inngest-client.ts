import { Inngest } from "inngest";

/**
 * The portal's Inngest client. lib/jobs sends events with it (dispatch.ts); the functions that
 * receive them live in inngest/ as thin wrappers over lib/. Without an Inngest server nothing is
 * sent and the work runs in this process instead (settings.ts decides). Keys come from
 * INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY, which the SDK reads itself.
 */
export const inngest = new Inngest({ id: "magento-sales-portal" });
