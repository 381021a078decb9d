// Which walls cover a contract now, for the wall badges where access is explained (the contract
// page): the active walls whose scope holds the contract by id, its repository, its counterparty
// or one of its tags — the same keys the engine matches (WallScope.key, lib/access/sql.ts).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { now as clockNow } from "@/lib/clock";
import { onProcessClient } from "@/lib/db/client";

type Db = PrismaClient | Tx;

export interface CoveringWall {
  wallId: string;
  name: string;
  kind: string;
  sideName: string | null;
  /** The people on the wall now (insiders, screened people, or the side's and the others'). */
  people: number;
}

export async function wallsCoveringContract(db: Db, options: { contractId: string }): Promise<CoveringWall[]> {
  const rows = await db.$queryRawUnsafe<CoveringWall[]>(
    `WITH c AS (
       SELECT id, "repositoryId", NULLIF(lower(btrim(counterparty)), '') AS party,
              COALESCE((SELECT array_agg(lower(btrim(t))) FROM jsonb_array_elements_text(tags) t), '{}') AS tags
       FROM "Contract" WHERE id = $1
     )
     SELECT DISTINCT w.id AS "wallId", w.name, w.kind, sd.name AS "sideName",
            (SELECT count(DISTINCT p."userId") FROM "WallPerson" p WHERE p."wallId" = w.id AND p."validFrom" <= $2::timestamp(3)
               AND (p."validTo" IS NULL OR p."validTo" > $2::timestamp(3)))::int AS people
     FROM c JOIN "WallScope" s ON s.key = 'c:' || c.id OR s.key = 'r:' || c."repositoryId" OR s.key = 'p:' || c.party OR s.key = ANY (SELECT 't:' || x FROM unnest(c.tags) x)
     JOIN "Wall" w ON w.id = s."wallId" AND w.state = 'active'
     LEFT JOIN "WallSide" sd ON sd.id = s."sideId"
     WHERE s."validFrom" <= $2::timestamp(3) AND (s."validTo" IS NULL OR s."validTo" > $2::timestamp(3))
     ORDER BY w.name`,
    options.contractId,
    clockNow(),
  );
  return rows.map((r) => ({ ...r, people: Number(r.people) }));
}

export const wallCoverageForPages = { ofContract: onProcessClient(wallsCoveringContract) };
