// Exclusions over a time window, for the answers that work in intervals rather than at one instant
// (evidence packs): when each (person, contract) was denied by an exclusion. The instant answers
// apply the same deny through sql.ts notExcludedAt; both read the same rows with the same
// half-open validity, so an interval answer and a point-in-time answer agree at every instant.
import { exclusionDenies, overlapsWindow, ts, type Db } from "./sql";

export interface PairInterval {
  userId: string;
  contractId: string;
  from: Date;
  to: Date;
}

/**
 * [from, to) pieces, clipped to the window, in which an exclusion denied one of these people one of
 * these contracts: a contract exclusion directly, a repository exclusion while the contract was in
 * that repository (its revisions' intervals).
 */
export async function exclusionIntervals(
  db: Db,
  options: { userIds: string[]; contractIds: string[]; from: Date; to: Date },
): Promise<PairInterval[]> {
  if (options.userIds.length === 0 || options.contractIds.length === 0) return [];
  const F = ts(3);
  const T = ts(4);
  return db.$queryRawUnsafe<PairInterval[]>(
    `SELECT * FROM (
       SELECT x."userId", cr."contractId",
              greatest(x."validFrom", cr."validFrom", ${F}) AS "from", least(x."validTo", cr."validTo", ${T}) AS "to"
       FROM "Exclusion" x JOIN "ContractRevision" cr ON ${exclusionDenies("x", "cr")}
       WHERE x."userId" = ANY($1::text[]) AND cr."contractId" = ANY($2::text[])
         AND ${overlapsWindow("x", F, T)} AND ${overlapsWindow("cr", F, T)}
     ) i WHERE "from" < "to"`,
    options.userIds,
    options.contractIds,
    options.from,
    options.to,
  );
}

/** The parts of each interval outside every exclusion of its (person, contract); order kept. */
export function subtractExclusions<T extends PairInterval>(items: T[], exclusions: PairInterval[]): T[] {
  if (exclusions.length === 0) return items;
  const byPair = new Map<string, PairInterval[]>();
  for (const x of exclusions) {
    const key = `${x.userId}|${x.contractId}`;
    byPair.set(key, [...(byPair.get(key) ?? []), x]);
  }
  for (const list of byPair.values()) list.sort((a, b) => a.from.getTime() - b.from.getTime());
  const out: T[] = [];
  for (const item of items) {
    let pieces: T[] = [item];
    for (const x of byPair.get(`${item.userId}|${item.contractId}`) ?? []) {
      pieces = pieces.flatMap((p) => {
        if (x.to <= p.from || x.from >= p.to) return [p];
        const kept: T[] = [];
        if (x.from > p.from) kept.push({ ...p, to: x.from });
        if (x.to < p.to) kept.push({ ...p, from: x.to });
        return kept;
      });
    }
    out.push(...pieces);
  }
  return out;
}
