// The population hash of a wall review (lib/reviews/wall-reviews.ts): recorded at start and
// recomputed from a signed report's wall items offline (./export.ts), like ./population-hash.ts
// for access reviews. Pure: no database.
import { createHash } from "node:crypto";

/** What the hash covers, per item. */
export interface WallPopulationRow {
  wallId: string;
  sideId: string | null;
  question: string;
  userId: string | null;
  /** ISO instant the person joined the roster (null: the wall item). */
  onRosterSince: string | null;
}

/** SHA-256 over the sorted items: wall, side, question, person and since when (completeness of the snapshot). */
export function wallPopulationHash(rows: WallPopulationRow[]): string {
  const lines = rows.map((r) => [r.wallId, r.sideId ?? "", r.question, r.userId ?? "", r.onRosterSince ?? ""].join("|")).sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
