import { wallsOfPerson } from "@/lib/walls/queries";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The walls whose roster holds the signed-in person (single sign-on), with what they must acknowledge. */
export const GET = route({ auth: { reviewer: true } }, async ({ db, reviewer }) => Response.json({ items: await wallsOfPerson(db, { userId: reviewer.personId }) }));
