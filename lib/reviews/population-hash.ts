// The population hash of a review campaign, pure (no database): startCampaign records it, and the
// signed report's offline verification (./export.ts, `npm run audit:verify -- --campaign-report`)
// recomputes it from the report's items.
import { createHash } from "node:crypto";

/** What the hash reads of an item: the person, the resource, the level rank, the contracts and each reason's rule version and group path. */
export interface HashedItem {
  userId: string;
  repositoryId: string;
  contractId: string | null;
  level: number;
  contracts: number;
  reasons: { versionId: string; gids: string[] | null }[];
}

/**
 * The hash of the whole population: one line per item, lines and reasons sorted by code point here
 * (not by the database's collation, which differs between installations), so anyone can recompute
 * it from the report and prove later that nothing was added or dropped.
 */
export function populationHash(rows: HashedItem[]): string {
  const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const lines = rows.map((r) => {
    const reasons = r.reasons.map((x) => `${x.versionId}:${x.gids?.join(">") ?? "direct"}`).sort(byCodePoint).join(",");
    return `${r.userId}|${r.repositoryId}|${r.contractId ?? ""}|${r.level}|${r.contracts}|${reasons}\n`;
  });
  const h = createHash("sha256");
  for (const line of lines.sort(byCodePoint)) h.update(line);
  return h.digest("hex");
}
