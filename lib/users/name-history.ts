// Who held a userName when (README "Identity across time"). The "UserNameInterval" rows are written
// by a trigger on "User" (migration 20261207110100_user_name_history) and carry a keyed digest of
// lower(userName), not the name: a deleted person's name is erased, yet a caller who names them can
// still be answered for them, by id, for an instant when they held it.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db/errors";

export interface UserNameHolder {
  id: string;
  directoryId: string;
  /** The current userName; null when the person has since been deleted (the name was erased). */
  userName: string | null;
  displayName: string | null;
  deleted: boolean;
  heldFrom: Date;
  heldUntil: Date | null;
}

/** The people who held `userName` (case-insensitive) at `at`, optionally within one directory. */
export async function holdersOfUserNameAt(
  db: PrismaClient | Tx,
  options: { userName: string; at: Date; directoryId?: string },
): Promise<UserNameHolder[]> {
  const rows = await db.$queryRawUnsafe<{ id: string; directoryId: string; userName: string | null; displayName: string | null; heldFrom: Date; heldUntil: Date | null }[]>(
    `SELECT h."userId" AS id, h."directoryId", u."userName", u."displayName", h."validFrom" AS "heldFrom", h."validTo" AS "heldUntil"
       FROM "UserNameInterval" h LEFT JOIN "User" u ON u.id = h."userId"
      WHERE h."nameDigest" = "user_name_digest"($1) AND h."validFrom" <= $2::timestamp(3)
        AND (h."validTo" IS NULL OR h."validTo" > $2::timestamp(3))
        AND ($3::text IS NULL OR h."directoryId" = $3::text)
      ORDER BY h."validFrom", h."userId"
      LIMIT 20`,
    options.userName.toLowerCase(),
    options.at,
    options.directoryId ?? null,
  );
  return rows.map((r) => ({ ...r, deleted: r.userName === null }));
}
