// Next.js calls register() once when a server starts, before it serves requests: validate the
// configuration, migrate the database and run start-up bootstrap, or stop with a clear message.
// It also makes the connecting peer's address visible to route handlers (lib/http/peer-address.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { appendPeerAddressToForwardedFor } = await import("./lib/http/peer-address");
  appendPeerAddressToForwardedFor();
  const { startUp } = await import("./lib/start-up");
  await startUp();
}
