import { z } from "zod";
import { route } from "@/lib/http/route";
import { revokeDirectoryToken } from "@/lib/directories/service";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.string(), tokenId: z.string() });

/** Revokes the token (kept, marked revoked, for the record). */
export const DELETE = route({ auth: { permission: "directories:write" }, params }, async ({ db, params, actor }) =>
  Response.json(await revokeDirectoryToken(db, { directoryId: params.id, tokenId: params.tokenId, actor })),
);
