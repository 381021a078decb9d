import { accessCheck } from "@/lib/api-v1/access";
import { hasScope } from "@/lib/api-keys/service";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** ?user=…&contract=…&level=view[&at=…][&directory=…] → { allowed, level, reasons } (a wall's denial in words only for walls:read) */
export const GET = route({ auth: { scope: "access:read" } }, async ({ db, query, key, actor }) =>
  Response.json(await accessCheck(db, query, { canSeeWalls: hasScope(key, "walls:read"), actor })),
);
