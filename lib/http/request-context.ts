// Every route handler runs inside this wrapper: a request id (taken from X-Request-Id when the
// caller sent a sane one, else generated) is available to logs and echoed in the response.
import { randomUUID } from "node:crypto";
import { log, requestContext } from "@/lib/log";
import { errorResponse, toAppError } from "./error-response";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && SANE_ID.test(given) ? given : randomUUID();
}

/** Request id, one log line per request, and every thrown error answered from the error table. */
export function withRequestContext<C>(handler: (request: Request, context: C | undefined, requestId: string) => Promise<Response>) {
  return async (request: Request, context?: C): Promise<Response> => {
    const requestId = requestIdOf(request);
    return requestContext.run({ requestId }, async () => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(request, context, requestId);
      } catch (err) {
        response = errorResponse(toAppError(err, requestId, { method: request.method, path: new URL(request.url).pathname }));
      }
      response.headers.set("x-request-id", requestId);
      log.info("request", {
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        ms: Math.round(performance.now() - started),
      });
      return response;
    });
  };
}
