// Runs once when the server starts, before any request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ensureSecretsOrExit } = await import("./lib/secrets/startup");
  ensureSecretsOrExit();
}
