// The walls bench:access --walls writes (issue 20), shared with a command that writes them into a
// kept copy of the scale database, so that the statements can be EXPLAINed on the same rows:
//
//   tsx bench/wall-fixture.ts --url postgresql://postgres@127.0.0.1:5432/wallspeed_walls [--walls 200]
//
// The walls are written with SQL (the service's rows, without their audit events): the engine
// reads only these tables.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { openDatabase, type Database } from "@/lib/db/client";
import { mulberry32 } from "@/lib/random";
import { DEFAULT_SCALE, scaleId, type ScaleOptions } from "../scripts/generate-scale";

type Prisma = Database["prisma"];

export interface Picks {
  user: () => string;
  contract: () => string;
  repository: () => string;
}

/** Random scale ids from a seeded generator (the same questions every run). */
export function scalePicks(scale: ScaleOptions, seed = scale.seed * 7 + 1): Picks {
  const next = mulberry32(seed);
  const pick = (n: number) => 1 + Math.floor(next() * n);
  return {
    user: () => scaleId(scale.seed, "user", pick(scale.users)),
    contract: () => scaleId(scale.seed, "contract", pick(scale.contracts)),
    repository: () => scaleId(scale.seed, "repository", pick(scale.repositories)),
  };
}

/**
 * `count` active walls — a third each exclusionary, sides and inclusionary, each over 3 explicit
 * contracts and a counterparty (sides: the second side also on a repository), rosters of 5 people
 * per wall or side — activated a second before now.
 */
export async function insertBenchWalls(p: Prisma, options: { scale: ScaleOptions; count: number; pick: Picks }): Promise<void> {
  const { scale, count, pick } = options;
  const activatedAt = new Date(Date.now() - 1000);
  const rows = { walls: [] as unknown[][], sides: [] as unknown[][], scope: [] as unknown[][], people: [] as unknown[][] };
  for (let i = 0; i < count; i++) {
    const id = scaleId(scale.seed, "wall", i + 1);
    const kind = ["exclusionary", "sides", "inclusionary"][i % 3];
    rows.walls.push([id, `Bench wall ${i + 1}`, `bench wall ${i + 1}`, kind, activatedAt.toISOString()]);
    const sideIds = kind === "sides" ? [scaleId(scale.seed, "wall-side-a", i + 1), scaleId(scale.seed, "wall-side-b", i + 1)] : [null];
    sideIds.forEach((sideId, n) => sideId && rows.sides.push([sideId, id, n === 0 ? "A" : "B", n]));
    sideIds.forEach((sideId, n) => {
      for (let k = 0; k < 3; k++) {
        const c = pick.contract();
        rows.scope.push([scaleId(scale.seed, `wall-scope-${n}-${k}`, i + 1), id, sideId, "contract", c, `c:${c}`]);
      }
      rows.scope.push([scaleId(scale.seed, `wall-scope-${n}-p`, i + 1), id, sideId, "counterparty", `bench counterparty ${i}`, `p:bench counterparty ${i}`]);
      if (kind === "sides" && n === 1) {
        const r = pick.repository();
        rows.scope.push([scaleId(scale.seed, `wall-scope-${n}-r`, i + 1), id, sideId, "repository", r, `r:${r}`]);
      }
      const people = new Set(Array.from({ length: 5 }, () => pick.user()));
      for (const u of people) rows.people.push([scaleId(scale.seed, `wall-person-${n}-${u}`, i + 1), id, sideId, u]);
    });
  }
  const insert = async (sql: string, list: unknown[][]) => {
    for (let i = 0; i < list.length; i += 500) await p.$executeRawUnsafe(sql, JSON.stringify(list.slice(i, i + 500)));
  };
  await insert(
    `INSERT INTO "Wall" (id, name, "nameKey", kind, state, "createdByType", "activatedAt", "activatedByType", "activationReason")
     SELECT r->>0, r->>1, r->>2, r->>3, 'active', 'system', (r->>4)::timestamptz AT TIME ZONE 'UTC', 'system', 'bench' FROM jsonb_array_elements($1::jsonb) r`,
    rows.walls,
  );
  await insert(`INSERT INTO "WallSide" (id, "wallId", name, position) SELECT r->>0, r->>1, r->>2, (r->>3)::int FROM jsonb_array_elements($1::jsonb) r`, rows.sides);
  await insert(
    `INSERT INTO "WallScope" (id, "wallId", "sideId", kind, value, key, "validFrom")
     SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, '${activatedAt.toISOString()}'::timestamptz AT TIME ZONE 'UTC' FROM jsonb_array_elements($1::jsonb) r`,
    rows.scope,
  );
  await insert(
    `INSERT INTO "WallPerson" (id, "wallId", "sideId", "userId", "validFrom")
     SELECT r->>0, r->>1, r->>2, r->>3, '${activatedAt.toISOString()}'::timestamptz AT TIME ZONE 'UTC' FROM jsonb_array_elements($1::jsonb) r`,
    rows.people,
  );
  for (const table of ["Wall", "WallScope", "WallPerson"]) await p.$executeRawUnsafe(`ANALYZE "${table}"`);
}

/**
 * Draft walls (exclusionary and inclusionary) over whole repositories, the largest first, until
 * they cover at least `contracts` contracts; 50 random people on each roster.
 */
export async function insertDraftWalls(
  p: Prisma,
  options: { scale: ScaleOptions; pick: Picks; contracts?: number },
): Promise<{ covered: number; walls: { kind: "exclusionary" | "inclusionary"; id: string }[] }> {
  const repos = await p.$queryRawUnsafe<{ id: string; n: number }[]>(
    `SELECT "repositoryId" AS id, count(*)::int AS n FROM "Contract" GROUP BY "repositoryId" ORDER BY count(*) DESC, "repositoryId"`,
  );
  const chosen: string[] = [];
  let covered = 0;
  for (const r of repos) {
    if (covered >= (options.contracts ?? 20_000)) break;
    chosen.push(r.id);
    covered += Number(r.n);
  }
  const walls: { kind: "exclusionary" | "inclusionary"; id: string }[] = [];
  for (const kind of ["exclusionary", "inclusionary"] as const) {
    const id = scaleId(options.scale.seed, `wall-draft-${kind}`, 1);
    await p.$executeRawUnsafe(`INSERT INTO "Wall" (id, name, "nameKey", kind, state, "createdByType") VALUES ($1, $2, $2, $3, 'draft', 'system')`, id, `bench draft ${kind}`, kind);
    await p.$executeRawUnsafe(
      `INSERT INTO "WallScope" (id, "wallId", kind, value, key, "validFrom") SELECT gen_random_uuid()::text, $1, 'repository', r, 'r:' || r, now() AT TIME ZONE 'UTC' - interval '1 second' FROM unnest($2::text[]) r`,
      id,
      chosen,
    );
    const people = Array.from({ length: 50 }, () => options.pick.user());
    await p.$executeRawUnsafe(
      `INSERT INTO "WallPerson" (id, "wallId", "userId", "validFrom") SELECT gen_random_uuid()::text, $1, u, now() AT TIME ZONE 'UTC' - interval '1 second' FROM unnest($2::text[]) u`,
      id,
      [...new Set(people)],
    );
    walls.push({ kind, id });
  }
  return { covered, walls };
}

async function main() {
  const { values } = parseArgs({ options: { url: { type: "string" }, walls: { type: "string", default: "200" } } });
  if (!values.url) throw new Error("--url is required");
  const db = await openDatabase({ databaseUrl: values.url, poolMax: 2 });
  try {
    const pick = scalePicks(DEFAULT_SCALE);
    await insertBenchWalls(db.prisma, { scale: DEFAULT_SCALE, count: Number(values.walls), pick });
    const drafts = await insertDraftWalls(db.prisma, { scale: DEFAULT_SCALE, pick });
    console.log(JSON.stringify(drafts));
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
