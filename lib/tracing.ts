import { readEnv, type EnvSource } from "@/lib/env";
import { logger } from "@/lib/log";

// Optional OpenTelemetry (docs/operations.md, "Tracing"): off unless OTEL_EXPORTER_OTLP_ENDPOINT
// names a collector. Then @vercel/otel registers Next's own spans (requests, renders, route
// handlers, fetches) and exports them over OTLP/HTTP, configured by the standard OTEL_* variables.

export const DEFAULT_SERVICE_NAME = "magento-sales-portal";

/** Starts tracing when a collector is configured; returns whether it did. Called once, from instrumentation.ts. */
export async function startTracing(source?: EnvSource): Promise<boolean> {
  const endpoint = readEnv("OTEL_EXPORTER_OTLP_ENDPOINT", source);
  if (!endpoint) return false;
  const serviceName = readEnv("OTEL_SERVICE_NAME", source) ?? DEFAULT_SERVICE_NAME;
  const { registerOTel } = await import("@vercel/otel");
  registerOTel({ serviceName });
  logger().info({ component: "tracing", serviceName }, `tracing on: OTLP traces go to ${endpoint}`);
  return true;
}
