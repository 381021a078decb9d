// Direct grants (rules naming a person) of exactly one scope in force at an instant: what a review
// campaign's revocation of a direct grant proves it ended (lib/reviews/service.ts revocationProof).
import { grantsAt, ts, type Db } from "./sql";

/** The person's direct rules on exactly this scope (the contract, or the repository as a whole) in force at `at`. */
export async function directGrantsAt(db: Db, options: { userId: string; repositoryId: string; contractId: string | null; at: Date }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ ruleId: string }[]>(
    `SELECT DISTINCT v."ruleId" FROM "AccessRuleVersion" v
     WHERE v."userId" = $1 AND ${grantsAt("v", ts(2))}
       AND (CASE WHEN $4::text IS NULL THEN v."repositoryId" = $3 AND v."contractId" IS NULL ELSE v."contractId" = $4 END)`,
    options.userId,
    options.at,
    options.repositoryId,
    options.contractId,
  );
  return rows.map((r) => r.ruleId);
}
