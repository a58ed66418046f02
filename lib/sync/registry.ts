import { cartsConnector } from "@/lib/sync/connectors/carts";
import { creditMemosConnector } from "@/lib/sync/connectors/credit_memos";
import { customersConnector } from "@/lib/sync/connectors/customers";
import { newsletterSubscribersConnector } from "@/lib/sync/connectors/newsletter_subscribers";
import { ordersConnector } from "@/lib/sync/connectors/orders";
import { storesConnector } from "@/lib/sync/connectors/stores";
import type { Connector } from "@/lib/sync/types";

// The real connectors, in CONNECTOR_ORDER. Only the runner loads this (lazily), so tests can
// pass fake connectors without importing the Magento mapping code.

export const CONNECTORS: readonly Connector[] = [
  storesConnector,
  customersConnector,
  cartsConnector,
  ordersConnector,
  creditMemosConnector,
  newsletterSubscribersConnector,
] as Connector[];
