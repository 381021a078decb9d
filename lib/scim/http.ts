// HTTP concerns of the SCIM endpoint: media type, body limits, error JSON, ETags.
import { scimTypeOf, type AppError } from "@/lib/errors";
import { MAX_JSON_BODY_BYTES, readBodyBytes } from "@/lib/http/body";
import { parseIfMatch } from "@/lib/http/if-match";
import { findUnstorable } from "@/lib/http/unstorable";
import { ERROR } from "./schema";
import { ScimError, invalidSyntax } from "./errors";

export const SCIM_MEDIA_TYPE = "application/scim+json";

export function scimJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "content-type": `${SCIM_MEDIA_TYPE}; charset=utf-8`, ...init.headers },
  });
}

export function scimNoContent(headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 204, headers });
}

/**
 * RFC 7644 §3.12: `status` is a string and `detail` is always present; status and scimType come
 * from the error table (lib/errors.ts).
 */
export function scimErrorResponse(err: AppError, headers: Record<string, string> = {}): Response {
  const scimType = scimTypeOf(err.code);
  return scimJson(
    { schemas: [ERROR], status: String(err.status), ...(scimType ? { scimType } : {}), detail: err.message },
    { status: err.status, headers },
  );
}

/**
 * Reads a JSON body of at most MAX_JSON_BODY_BYTES (the limit of every JSON route), refused with
 * 413 the moment it passes it (lib/http/body.ts). Accepts application/scim+json and
 * application/json (with or without charset) and a missing content type; anything else is 415.
 */
export async function readScimBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/(scim\+)?json\s*(;.*)?$/i.test(type.trim())) {
    throw new ScimError("unsupported_media_type", `Unsupported content type "${type}"; send ${SCIM_MEDIA_TYPE}`);
  }
  const bytes = await readBodyBytes(request, MAX_JSON_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidSyntax("The body is not valid UTF-8");
  }
  if (text.trim() === "") throw invalidSyntax("A JSON body is required");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw invalidSyntax(`The body is not valid JSON: ${(err as Error).message}`);
  }
  // The shared check (lib/http/unstorable.ts) over every value and name: an ignored attribute's name
  // goes to the request log too, whose batch insert a NUL would fail.
  const unstorable = findUnstorable(body);
  if (unstorable) throw new ScimError("invalid_input", unstorable.message);
  return body;
}

/**
 * If-Match on writes (RFC 7644 §3.14): the version the client expects, or undefined when the
 * header is absent or `*`.
 */
export function expectedVersionOf(request: Request): number | undefined {
  const ifMatch = parseIfMatch(request.headers.get("if-match"));
  // Our ETags are always quoted (W/"3"): a bare or unparseable tag cannot match any we issued.
  if (ifMatch.kind === "version") return ifMatch.quoted ? ifMatch.version : -1;
  return ifMatch.kind === "malformed" ? -1 : undefined;
}

export function notModified(request: Request, etag: string): boolean {
  const header = request.headers.get("if-none-match");
  if (!header) return false;
  return header.split(",").some((t) => t.trim() === "*" || t.trim() === etag || t.trim() === etag.replace(/^W\//, ""));
}
