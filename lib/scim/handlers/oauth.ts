// POST /scim/v2/oauth/token — OAuth 2.0 client credentials grant (RFC 6749 §4.4) for identity
// providers that prefer it to a long-lived bearer token. Errors follow RFC 6749 §5.2.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ACCESS_TOKEN_TTL_SECONDS, accessTokenSigningKey, authenticateOAuthClient } from "../auth";
import { signAccessToken } from "@/lib/directories/credentials";
import { AppError, httpStatusOf } from "@/lib/errors";
import { MAX_OAUTH_TOKEN_BODY_BYTES, readBodyText } from "@/lib/http/body";

// RFC 6749 §5.2 error body; the status comes from the one error table like every other answer.
const oauthError = (code: "invalid_input" | "unauthorized" | "too_large", error: string, description: string) =>
  Response.json(
    { error, error_description: description },
    {
      status: httpStatusOf[code],
      headers: { "cache-control": "no-store", ...(code === "unauthorized" ? { "www-authenticate": 'Basic realm="scim"' } : {}) },
    },
  );

async function readParams(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get("content-type") ?? "";
  // Unauthenticated: read within a few KB, never whole (lib/http/body.ts).
  const text = await readBodyText(request, MAX_OAUTH_TOKEN_BODY_BYTES);
  if (/application\/x-www-form-urlencoded/i.test(type)) return new URLSearchParams(text);
  if (/application\/json/i.test(type)) {
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)]));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function basicCredentials(header: string | null): [string, string] | undefined {
  const match = /^\s*Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded; a malformed encoding is a failed
  // authentication (401 invalid_client), not a server error.
  try {
    const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, " "));
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
  } catch {
    return ["", ""];
  }
}

export async function issueAccessToken(prisma: PrismaClient, request: Request): Promise<Response> {
  let params: URLSearchParams | undefined;
  try {
    params = await readParams(request);
  } catch (err) {
    if (err instanceof AppError && err.code === "too_large") return oauthError("too_large", "invalid_request", err.message);
    throw err;
  }
  if (!params) return oauthError("invalid_input", "invalid_request", "Send application/x-www-form-urlencoded parameters");
  if (params.get("grant_type") !== "client_credentials") {
    return oauthError("invalid_input", "unsupported_grant_type", "Only grant_type=client_credentials is supported");
  }
  const [clientId, clientSecret] = basicCredentials(request.headers.get("authorization")) ?? [
    params.get("client_id") ?? "",
    params.get("client_secret") ?? "",
  ];
  if (!clientId || !clientSecret) return oauthError("unauthorized", "invalid_client", "Client authentication failed");
  const client = await authenticateOAuthClient(prisma, clientId, clientSecret);
  if (!client) return oauthError("unauthorized", "invalid_client", "Client authentication failed");
  const exp = Math.floor(Date.now() / 1000) + ACCESS_TOKEN_TTL_SECONDS;
  const token = await signAccessToken({ dir: client.directoryId, cid: client.clientId, exp }, await accessTokenSigningKey(prisma));
  return Response.json(
    { access_token: token, token_type: "Bearer", expires_in: ACCESS_TOKEN_TTL_SECONDS },
    { headers: { "cache-control": "no-store", pragma: "no-cache" } },
  );
}
