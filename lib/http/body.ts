// JSON request bodies, limited in size.
import { AppError } from "@/lib/errors";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const tooLarge = (maxBytes: number) => new AppError("too_large", `The body exceeds ${maxBytes} bytes`);

/** Refuses a body that declares more than `maxBytes` before reading any of it. */
export function refuseDeclaredTooLarge(request: Request, maxBytes: number): void {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge(maxBytes);
}

/** The parsed JSON body; `undefined` when the request has none. */
export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  refuseDeclaredTooLarge(request, maxBytes);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The body is not valid JSON");
  }
}
