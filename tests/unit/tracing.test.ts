import { describe, expect, it } from "vitest";
import { startTracing } from "@/lib/tracing";

// lib/tracing.ts: OpenTelemetry stays off (nothing imported, nothing registered) unless a collector
// is named. That it sends spans when one is, is checked against the standalone server by
// scripts/smoke-standalone.mjs with a collector of its own.

describe("tracing", () => {
  it("is off without OTEL_EXPORTER_OTLP_ENDPOINT, or with an empty one", async () => {
    expect(await startTracing({})).toBe(false);
    expect(await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "   ", OTEL_SERVICE_NAME: "portal" })).toBe(false);
  });
});
