// `npm start`: builds when the sources changed since the last build (or none exists), then serves
// with `next start` on PORT (default 3000). `npm run build` (= this script with --build) always
// builds and records the sources it built, so a following `npm start` does not build again
// (`--build --if-needed` builds only when needed). Migrations and bootstrap run inside the server at
// start-up (instrumentation.ts), so one process owns the embedded database.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const buildDir = path.join(root, ".next");
const stampFile = path.join(buildDir, "custodian-source-hash");
const inputs = ["app", "components", "lib", "public", "instrumentation.ts", "proxy.ts", "next.config.js",
  "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];
const skip = new Set(["generated", "node_modules"]);

function hashInputs() {
  const hash = createHash("sha256");
  const visit = (rel) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!skip.has(name)) visit(path.join(rel, name));
    } else if (!/\.test\.tsx?$/.test(rel)) {
      hash.update(rel).update("\0").update(readFileSync(abs)).update("\0");
    }
  };
  inputs.forEach(visit);
  return hash.digest("hex");
}

const port = process.env.PORT && process.env.PORT.trim() !== "" ? process.env.PORT.trim() : "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  console.error(`Invalid configuration: PORT must be a number between 1 and 65535 (got "${port}")`);
  process.exit(1);
}

// Telemetry would try to reach the internet on every build and start; opt in explicitly if wanted.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
// Without NEXTAUTH_URL, next-auth takes the origin from the Host header (set NEXTAUTH_URL in
// production behind a proxy so sign-in callbacks use the public URL).
// An empty NEXTAUTH_URL counts as unset (like every variable): next-auth's client would fail on new URL("").
if (process.env.NEXTAUTH_URL?.trim() === "") delete process.env.NEXTAUTH_URL;
if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
const nextBin = path.join(root, "node_modules", ".bin", "next");
const buildOnly = process.argv.includes("--build");
// --if-needed (with --build): build only when the sources changed since the last build, then exit
// (the system tests use it so that they never test a stale build).
const ifNeeded = process.argv.includes("--if-needed");
const current = hashInputs();
const built = existsSync(path.join(buildDir, "BUILD_ID")) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === current;
if (!built || (buildOnly && !ifNeeded)) {
  console.log(buildOnly && !ifNeeded ? "Building Custodian…" : "Building Custodian (sources changed or no build yet)…");
  const result = spawnSync(nextBin, ["build"], { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(stampFile, current);
}
if (buildOnly) process.exit(0);

const child = spawn(nextBin, ["start", "-p", port], { cwd: root, stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
