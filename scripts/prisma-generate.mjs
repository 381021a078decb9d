// Runs `prisma generate` at `npm install`. Prisma 7's CLI insists on its native schema engine
// binary, which it downloads from Prisma's own host; generation itself never executes it. Where
// that download is impossible (closed networks, these machines) we point
// PRISMA_SCHEMA_ENGINE_BINARY at a placeholder so generation works; where the engine exists or
// the variable is already set, Prisma runs unchanged.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };

function downloadedEngine() {
  const dir = path.join(root, "node_modules", "@prisma", "engines");
  if (!existsSync(dir)) return undefined;
  const found = readdirSync(dir).find((f) => f.startsWith("schema-engine"));
  return found ? path.join(dir, found) : undefined;
}

if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !downloadedEngine()) {
  const placeholder = path.join(root, "node_modules", ".cache", "custodian", "schema-engine-placeholder");
  mkdirSync(path.dirname(placeholder), { recursive: true });
  writeFileSync(
    placeholder,
    "#!/bin/sh\necho 'Prisma schema engine unavailable: migrations run with npm run db:migrate' >&2\nexit 1\n",
  );
  chmodSync(placeholder, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}

const bin = path.join(root, "node_modules", ".bin", "prisma");
const result = spawnSync(bin, ["generate"], { cwd: root, env, stdio: "inherit" });
process.exit(result.status ?? 1);
