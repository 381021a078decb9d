// How a reviewer's decision takes its locks, for access items and wall items alike.
import type { ReviewCampaign } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";

/**
 * The campaign, FOR SHARE — decisions run side by side but wait for a close (FOR UPDATE) in
 * progress and then read its status, so a decision after close is refused, never left unapplied
 * beside its outcome — then the reviewer's own items FOR UPDATE (campaign row before item rows,
 * as close takes them: no deadlock). Items that are not theirs are "not found" (reviewers never
 * learn of others' items); the campaign must be active.
 */
export async function lockReviewerItems(
  tx: Tx,
  options: { table: "ReviewItem" | "WallReviewItem"; campaignId: string; reviewerId: string; itemIds: string[] },
): Promise<ReviewCampaign> {
  const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM "ReviewCampaign" WHERE id = $1 FOR SHARE`, options.campaignId);
  if (locked.length === 0) throw new AppError("not_found", `Campaign ${options.campaignId} not found`);
  const campaign = await tx.reviewCampaign.findUniqueOrThrow({ where: { id: options.campaignId } });
  const items = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM "${options.table}" WHERE id = ANY($1::text[]) AND "campaignId" = $2 AND "reviewerId" = $3 FOR UPDATE`,
    options.itemIds,
    campaign.id,
    options.reviewerId,
  );
  if (items.length !== options.itemIds.length) throw new AppError("not_found", "Some items are not in your review queue");
  if (campaign.status !== "active") throw new AppError("conflict", `Campaign ${campaign.name} is ${campaign.status}`);
  return campaign;
}
