// Wording shared by the review pages (the campaign page and "My reviews"), kept here so it is
// tested: counts agree with their nouns, and an empty access queue says "Nothing to review." only
// when no wall items wait either (the "Ethical walls to review" section shows those).
import { plural } from "@/components/ui/format";

/** The campaign page's "Walls in scope": the chosen walls, or every wall active at the start. */
export function wallsInScopeText(wallIds: string[] | undefined): string {
  return wallIds?.length ? plural(wallIds.length, "chosen wall") : "every wall active at the start";
}

/**
 * What an empty access queue says: "Nothing to review." when the reviewer has no open wall items
 * either; nothing while those are loading or when there are some (their section follows).
 */
export function accessQueueEmptyText(options: { wallItems: number | undefined }): string | null {
  return options.wallItems === 0 ? "Nothing to review." : null;
}
