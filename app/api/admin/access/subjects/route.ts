import { z } from "zod";
import { getPrisma } from "@/lib/db/client";
import { adminRoute } from "@/lib/http/admin-route";
import { searchSubjects, SUBJECT_KINDS } from "@/lib/access-review/queries";

export const dynamic = "force-dynamic";

const query = z.object({ kind: z.enum(SUBJECT_KINDS), q: z.string().max(200).default("") });

/** Candidates for the access review's subject picker (contracts, repositories, people). */
export const GET = adminRoute("access:review", async ({ request }) => {
  const { kind, q } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json({ items: await searchSubjects(await getPrisma(), { kind, q }) });
});
