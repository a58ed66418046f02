import { Inngest } from "inngest";

/**
 * The portal's Inngest client. Functions (background sync, outbox push) live beside it in
 * inngest/ as thin wrappers over lib/; without an Inngest server the in-process runner in
 * lib/sync takes their place. Keys come from INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY.
 */
export const inngest = new Inngest({ id: "magento-sales-portal" });
