// Many checks in one answer: the AuthZEN batch (a search results page asks about 100 contracts for
// one person) must not cost 100 checks. The same reason rows as checkAccess, for every asked
// (person, contract) pair at once — one set-based statement over the distinct people and contracts,
// then the pairs read off its result — so a batch answers exactly what single checks would.
import { levelRank, type Level } from "./levels";
import { buildReasons, nameGroupsAsOf, reasonRows, type Reason } from "./effective-access";
import { exclusionDenies, ts, validAt, withStatementTimeout, type Db } from "./sql";
import { wallDenials, type WallDenialDetail } from "./walls";

export interface PairCheck {
  /** The person's effective (highest) level on the contract at T; null for none. */
  level: Level | null;
  /** Every reason that grants, winning ones first (as checkAccess gives them). */
  reasons: Reason[];
  /** An exclusion valid at T denies this pair (so a denied batch item says why, as a single check does). */
  excluded: boolean;
  /** The ethical walls denying this pair at T (empty: none). */
  walls: WallDenialDetail[];
}

/** Effective level and reasons of each (userId, contractId) pair at T, keyed `${userId}|${contractId}`. */
export async function checkAccessMany(
  db: Db,
  options: { pairs: { userId: string; contractId: string }[]; at?: Date },
): Promise<Map<string, PairCheck>> {
  const at = options.at ?? new Date();
  const userIds = [...new Set(options.pairs.map((p) => p.userId))];
  const contractIds = [...new Set(options.pairs.map((p) => p.contractId))];
  const result = new Map<string, PairCheck>();
  if (options.pairs.length === 0) return result;
  // The reason rows cover every person × every contract given: one statement when that product is
  // close to the pairs asked (one person's page of contracts, or a contract's readers); one per
  // person when it is not (many people, each asking about other contracts), so a batch never makes
  // the database answer a cross product it did not ask for.
  const reasons = await withStatementTimeout(db, async (q) => {
    if (userIds.length * contractIds.length <= 4 * options.pairs.length + 100) return buildReasons(await reasonRows(q, { userIds, contractIds, at }));
    const byUser = new Map<string, string[]>();
    for (const p of options.pairs) byUser.set(p.userId, [...(byUser.get(p.userId) ?? []), p.contractId]);
    const rows = [];
    for (const [userId, ids] of byUser) rows.push(...(await reasonRows(q, { userIds: [userId], contractIds: [...new Set(ids)], at })));
    return buildReasons(rows);
  });
  // As checkAccess: a question about the past names groups as they were then.
  if (options.at) await withStatementTimeout(db, (q) => nameGroupsAsOf(q, [...reasons.values()].flat(), at));
  const levels = new Map(
    options.pairs.map(({ userId, contractId }) => {
      const key = `${userId}|${contractId}`;
      return [key, (reasons.get(key) ?? []).reduce<Level | null>((m, r) => (m === null || levelRank(r.level) > levelRank(m) ? r.level : m), null)];
    }),
  );
  const denied = options.pairs.filter((p) => levels.get(`${p.userId}|${p.contractId}`) === null);
  const excluded = await excludedPairs(db, { pairs: denied, at });
  const walled = await wallDenials(db, { pairs: denied, at });
  for (const { userId, contractId } of options.pairs) {
    const key = `${userId}|${contractId}`;
    result.set(key, { level: levels.get(key)!, reasons: reasons.get(key) ?? [], excluded: excluded.has(key), walls: walled.get(key) ?? [] });
  }
  return result;
}

/** The denied pairs an exclusion explains: one statement over the distinct people and contracts, none when nothing was denied. */
async function excludedPairs(db: Db, options: { pairs: { userId: string; contractId: string }[]; at: Date }): Promise<Set<string>> {
  if (options.pairs.length === 0) return new Set();
  const T = ts(3);
  const rows = await withStatementTimeout(db, (q) =>
    q.$queryRawUnsafe<{ userId: string; contractId: string }[]>(
      `SELECT DISTINCT x."userId", cr."contractId" FROM "ContractRevision" cr
       JOIN "Exclusion" x ON ${exclusionDenies("x", "cr")}
       WHERE cr."contractId" = ANY($2::text[]) AND ${validAt("cr", T)} AND x."userId" = ANY($1::text[]) AND ${validAt("x", T)}`,
      [...new Set(options.pairs.map((p) => p.userId))],
      [...new Set(options.pairs.map((p) => p.contractId))],
      options.at,
    ),
  );
  return new Set(rows.map((r) => `${r.userId}|${r.contractId}`));
}
