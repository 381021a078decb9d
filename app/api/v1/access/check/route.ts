import { accessCheck } from "@/lib/api-v1/access";
import { apiJson, apiRoute, queryOf } from "@/lib/api-v1/route";

export const dynamic = "force-dynamic";

/** ?user=…&contract=…&level=view[&at=…][&directory=…] → { allowed, level, reasons } */
export const GET = apiRoute("access:read", async ({ prisma, url }) => apiJson(await accessCheck(prisma, queryOf(url))));
