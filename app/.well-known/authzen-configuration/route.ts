import { metadataOf } from "@/lib/authzen/decisions";
import { publicBaseUrl } from "@/lib/http/client";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** AuthZEN 1.0 §9 PDP metadata: public, like every well-known document; the endpoints need an API key. */
export const GET = route({ auth: "none", echoRequestId: true }, ({ request }) => Response.json(metadataOf(publicBaseUrl(request))));
