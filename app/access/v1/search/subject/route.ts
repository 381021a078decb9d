import { searchSubjects } from "@/lib/authzen/decisions";
import { requireJsonContentType } from "@/lib/authzen/protocol";
import { jsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** AuthZEN 1.0 §8.4: who may do this action on this contract → { results: [{ type, id }], page } */
export const POST = route({ auth: { scope: ["access:decide", "access:read"] }, body: jsonBody, echoRequestId: true }, async ({ db, request, body }) => {
  requireJsonContentType(request);
  return Response.json(await searchSubjects(db, { body }));
});
