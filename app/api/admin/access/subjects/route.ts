import { z } from "zod";
import { route } from "@/lib/http/route";
import { searchSubjects, SUBJECT_KINDS } from "@/lib/access-review/queries";
import { atInput } from "@/lib/access/instant";

export const dynamic = "force-dynamic";

// `at`: the instant under review — a userName then means whoever held it at that instant.
const query = z.object({ kind: z.enum(SUBJECT_KINDS), q: z.string().max(200).default(""), at: atInput.optional() });

/** Candidates for the access review's subject picker (contracts, repositories, people). */
export const GET = route({ auth: { permission: "access:review" }, query }, async ({ db, query }) =>
  Response.json({ items: await searchSubjects(db, query) }),
);
