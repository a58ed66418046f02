import { describe, expect, it } from "vitest";
import { databaseLimits, DEFAULT_LIMITS } from "@/db/limits";

// The time and connection limits of grids, reports and CSV exports, read from the environment.

describe("databaseLimits", () => {
  it("defaults to 30 s per grid or report statement, 5 minutes and 2 connections for exports", () => {
    expect(databaseLimits({})).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toEqual({ queryTimeoutMs: 30_000, exportTimeoutMs: 300_000, exportConnections: 2 });
  });

  it("reads whole seconds and a connection count", () => {
    expect(databaseLimits({ QUERY_TIMEOUT_SECONDS: "12", EXPORT_TIMEOUT_SECONDS: " 600 ", EXPORT_MAX_CONNECTIONS: "3" })).toEqual({
      queryTimeoutMs: 12_000,
      exportTimeoutMs: 600_000,
      exportConnections: 3,
    });
  });

  it("refuses a value that is not a positive whole number, naming the variable", () => {
    expect(() => databaseLimits({ QUERY_TIMEOUT_SECONDS: "0" })).toThrow(
      'QUERY_TIMEOUT_SECONDS must be a whole number from 1 to 3600 (got "0").',
    );
    expect(() => databaseLimits({ EXPORT_TIMEOUT_SECONDS: "2.5" })).toThrow("EXPORT_TIMEOUT_SECONDS must be a whole number");
    expect(() => databaseLimits({ EXPORT_MAX_CONNECTIONS: "many" })).toThrow("EXPORT_MAX_CONNECTIONS must be a whole number");
  });
});
