// How long the portal lets interactive reads and CSV exports hold the database, from the
// environment (README's table, docs/operations.md). A value that is not a positive whole number
// stops the portal with the variable's name rather than running unbounded (lib/env.ts checks it).
// lib/env.ts is the one module of ours db/ imports: the environment is below every layer.
import { readEnv, type EnvSource } from "@/lib/env";

export type DatabaseLimits = {
  /** Grid and report queries: each statement is cancelled after this long (QUERY_TIMEOUT_SECONDS). */
  queryTimeoutMs: number;
  /** One CSV export, start to last row (EXPORT_TIMEOUT_SECONDS). */
  exportTimeoutMs: number;
  /** CSV exports running at once per process, each on its own connection (EXPORT_MAX_CONNECTIONS). */
  exportConnections: number;
};

/** The limits from the environment (`env`: a test's own); throws EnvError naming a bad variable. */
export function databaseLimits(env?: EnvSource): DatabaseLimits {
  return {
    queryTimeoutMs: readEnv("QUERY_TIMEOUT_SECONDS", env) * 1000,
    exportTimeoutMs: readEnv("EXPORT_TIMEOUT_SECONDS", env) * 1000,
    exportConnections: readEnv("EXPORT_MAX_CONNECTIONS", env),
  };
}

/** The limits with none of the variables set (30 s, 300 s, 2 connections; defaults live in lib/env.ts). */
export const DEFAULT_LIMITS: DatabaseLimits = databaseLimits({});
