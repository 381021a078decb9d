// Next.js calls register() once when a server starts, before it serves requests: validate the
// configuration, migrate the database and run start-up bootstrap, or stop with a clear message.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUp } = await import("./lib/start-up");
  await startUp();
}
