// `npm run demo`: loads the demo organisation (lib/demo/organisation.ts), then serves exactly like
// `npm start` (scripts/start.mjs). `npm run demo -- --load-only` loads and exits.
//
// The load runs in this process, which opens the database, loads, and closes it — releasing the
// embedded database's folder — before start.mjs starts the server (one process owns the folder at
// a time). A second run finds the demo loaded and just serves it. Without DATABASE_URL and
// PGLITE_DATA_DIR the demo uses its own folder, ./data/demo, never the default ./data/pglite.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HELP = `Usage: npm run demo [-- --load-only] [--employees 400] [--partners 60] [--repositories 20] [--contracts 2000] [--days 90] [--seed 1]

Loads a demo organisation into an empty database (default folder ./data/demo), then serves it like
\`npm start\`. A second run serves the existing demo. --load-only loads and exits.
`;

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      "load-only": { type: "boolean" },
      employees: { type: "string" },
      partners: { type: "string" },
      repositories: { type: "string" },
      contracts: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const scale: Record<string, number> = {};
  for (const key of ["employees", "partners", "repositories", "contracts", "days", "seed"] as const) {
    const raw = values[key];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < (key === "days" ? 5 : 1)) throw new Error(`--${key} must be a positive integer${key === "days" ? " (at least 5)" : ""}`);
    scale[key] = n;
  }
  if (!process.env.DATABASE_URL?.trim() && !process.env.PGLITE_DATA_DIR?.trim()) process.env.PGLITE_DATA_DIR = "./data/demo";

  const { getConfig } = await import("@/lib/config");
  const { closeDatabase, getDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const { loadDemo } = await import("@/lib/demo/organisation");
  const config = getConfig();
  const db = await getDatabase();
  let signIn: { email: string; password: string };
  try {
    await db.withSession((s) => migrate(s));
    const shown = db.kind === "pglite" && !path.relative(process.cwd(), db.target).startsWith("..") ? path.relative(process.cwd(), db.target) : db.target;
    process.stdout.write(`Custodian demo: database ${shown}\n`);
    const summary = await loadDemo(db.prisma, {
      scale,
      admin: config.ADMIN_EMAIL ? { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD } : undefined,
      progress: (line) => process.stdout.write(`  ${line}\n`),
    });
    if (summary.loaded) {
      const c = summary.counts!;
      process.stdout.write(
        `Demo loaded in ${summary.seconds}s: ${c.users} users (${c.activeUsers} active), ${c.groups} groups, ${c.repositories} repositories, ` +
          `${c.contracts} contracts, ${c.rules} rules, ${c.auditEvents} audit events, ${c.scimRequests} SCIM requests.\n`,
      );
    } else {
      process.stdout.write("Demo already loaded: serving the existing data.\n");
    }
    signIn = {
      email: summary.admin.email,
      password: config.ADMIN_EMAIL ? "(the ADMIN_PASSWORD you set)" : (summary.admin.password ?? ""),
    };
  } finally {
    await closeDatabase();
  }
  const banner = (url: string) =>
    `\n  Custodian demo — sign in at ${url}/login with\n    e-mail:   ${signIn.email}\n    password: ${signIn.password}\n  (demo data; do not use this password anywhere else)\n\n`;
  const url = `http://localhost:${config.PORT}`;
  process.stdout.write(banner(url));
  if (values["load-only"]) return 0;

  // Serve exactly like `npm start`, and repeat the sign-in once the server answers (the build
  // output may have scrolled it away).
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], { cwd: root, stdio: "inherit", env: process.env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  let exited = false;
  const done = new Promise<number>((resolve) =>
    child.on("exit", (code, signal) => {
      exited = true;
      resolve(code ?? (signal ? 1 : 0));
    }),
  );
  void (async () => {
    const deadline = Date.now() + 20 * 60_000;
    while (!exited && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
      if (ok && !exited) {
        process.stdout.write(banner(url));
        return;
      }
    }
  })();
  return done;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`\nCustodian demo could not load: ${err instanceof Error ? err.message : String(err)}\n\n`);
    process.exit(1);
  },
);
