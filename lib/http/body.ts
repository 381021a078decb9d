// Request bodies, read as a stream with a limit per surface. A body is refused with 413 the moment
// it passes the limit: a declared Content-Length over it is refused unread, and a chunked body is
// counted as it arrives and its stream cancelled — nothing past the limit is ever buffered (six
// chunked 500 MB bodies to the token endpoint once took the server from 1.1 to 3.8 GB).
import { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { errorResponse } from "./error-response";

/** JSON routes (admin, /api/v1) and SCIM resources. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** The OAuth token endpoint: a client-credentials form is a few hundred bytes. */
export const MAX_OAUTH_TOKEN_BODY_BYTES = 8 * 1024;
/** next-auth's endpoints (sign-in form: CSRF token, e-mail, password of at most 200, callback URL). */
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;

const tooLarge = (maxBytes: number) => new AppError("too_large", `The body exceeds ${maxBytes} bytes`);

/** The body's bytes (empty when there is none), at most `maxBytes` of them; 413 past that. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) {
    // Refused unread; cancelling tells the server not to wait for the rest.
    await request.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The body as UTF-8 text (as Request.text() decodes it), at most `maxBytes`; 413 past that. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyBytes(request, maxBytes));
}

/** The parsed JSON body; `undefined` when the request has none. */
export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The body is not valid JSON");
  }
}

/**
 * For a handler that reads the body whole itself (next-auth): it gets a copy of the request whose
 * body was first read here within `maxBytes`; a larger one is answered 413 before it runs.
 */
export function withBodyLimit<C>(maxBytes: number, handler: (request: NextRequest, context: C) => Promise<Response>) {
  return async (request: NextRequest, context: C): Promise<Response> => {
    if (request.method === "GET" || request.method === "HEAD") return handler(request, context);
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readBodyBytes(request, maxBytes);
    } catch (err) {
      if (err instanceof AppError) return errorResponse(err);
      throw err;
    }
    const headers = new Headers(request.headers);
    // The copy's body is the bytes read; the framing headers of the original do not describe it.
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    return handler(new NextRequest(request.url, { method: request.method, headers, body }), context);
  };
}
