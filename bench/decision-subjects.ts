// The subjects bench:decisions and bench/decisions-explain.ts ask about, on a generated
// organisation: the sampled person whose contract count is nearest 5,000 (with up to 1,000 of
// their contracts) and the widest contract (public, not ended, in a repository an all-staff rule covers).
import { contractsOfUser, type Db } from "@/lib/access/effective-access";
import { groupLayout, scaleId, type ScaleOptions } from "../scripts/generate-scale";

export async function decisionSubjects(db: Db, scale: ScaleOptions) {
  const wanted = 5000;
  let person = { id: scaleId(scale.seed, "user", 1), total: -Infinity };
  for (let n = 1; n <= Math.min(scale.users, 60); n++) {
    const id = scaleId(scale.seed, "user", Math.ceil((n * scale.users) / 60));
    const { total } = await contractsOfUser(db, { userId: id, offset: 0, limit: 1 });
    if (Math.abs(total - wanted) < Math.abs(person.total - wanted)) person = { id, total };
  }
  const personContracts = (await contractsOfUser(db, { userId: person.id, offset: 0, limit: 1000 })).items.map((i) => i.contract.id);
  const allStaff = scaleId(scale.seed, "group", groupLayout(scale.groups).allStaff);
  const [widest] = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT c.id FROM "AccessRuleVersion" v JOIN "Contract" c ON c."repositoryId" = v."repositoryId"
     WHERE v."groupId" = $1 AND v."recordedTo" IS NULL AND v.change <> 'deleted' AND v."validFrom" IS NULL
       AND jsonb_array_length(v."contractTypes") = 0 AND c.confidentiality = 0 AND c."endDate" IS NULL
     ORDER BY c.id LIMIT 1`,
    allStaff,
  );
  return { person, personContracts, widest: widest as { id: string } | undefined };
}
