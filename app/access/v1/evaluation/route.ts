import { evaluate } from "@/lib/authzen/decisions";
import { requireJsonContentType } from "@/lib/authzen/protocol";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** AuthZEN 1.0 §6: { subject, action, resource, context? } → { decision, context } */
export const POST = route({ auth: { scope: ["access:decide", "access:read"] }, body: jsonBody, echoRequestId: true }, async ({ db, request, body, actor }) => {
  requireJsonContentType(request);
  return Response.json(await evaluate(db, { body, actor }));
});
