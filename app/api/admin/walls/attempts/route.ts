import { attemptAlertQuery } from "@/lib/walls/certificate-schemas";
import { wallAttemptAlert } from "@/lib/walls/alerts";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The dashboard's breach-attempt alert: attempts walls denied since ?since= (default 7 days), per person × wall. */
export const GET = route({ auth: { permission: "walls:read" }, query: attemptAlertQuery }, async ({ db, query }) => Response.json(await wallAttemptAlert(db, { since: query.since })));
