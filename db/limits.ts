// How long the portal lets interactive reads and CSV exports hold the database, from the
// environment (README's table, docs/operations.md). A value that is not a positive whole number
// stops the portal with the variable's name rather than running unbounded.

export type DatabaseLimits = {
  /** Grid and report queries: each statement is cancelled after this long (QUERY_TIMEOUT_SECONDS). */
  queryTimeoutMs: number;
  /** One CSV export, start to last row (EXPORT_TIMEOUT_SECONDS). */
  exportTimeoutMs: number;
  /** CSV exports running at once per process, each on its own connection (EXPORT_MAX_CONNECTIONS). */
  exportConnections: number;
};

export const DEFAULT_LIMITS: DatabaseLimits = { queryTimeoutMs: 30_000, exportTimeoutMs: 300_000, exportConnections: 2 };

function whole(env: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be a whole number from 1 to ${max} (got "${raw}").`);
  }
  return value;
}

export function databaseLimits(env: Record<string, string | undefined> = process.env): DatabaseLimits {
  return {
    queryTimeoutMs: whole(env, "QUERY_TIMEOUT_SECONDS", DEFAULT_LIMITS.queryTimeoutMs / 1000, 3_600) * 1000,
    exportTimeoutMs: whole(env, "EXPORT_TIMEOUT_SECONDS", DEFAULT_LIMITS.exportTimeoutMs / 1000, 86_400) * 1000,
    exportConnections: whole(env, "EXPORT_MAX_CONNECTIONS", DEFAULT_LIMITS.exportConnections, 50),
  };
}
