// Every route handler runs inside this wrapper: a request id — always the server's own, so no two
// requests share one — is available to logs and echoed in the response (X-Request-Id). The
// caller's X-Request-Id, when it sent a sane one, is kept beside it (clientRequestId: the log line,
// the audit event, the SCIM request log), never instead of it.
import { log, requestContext } from "@/lib/log";
import { clientRequestIdOf, newRequestId } from "./client";
import { errorResponse, toAppError } from "./error-response";

/** Request id, one log line per request, and every thrown error answered from the error table. */
export function withRequestContext<C>(handler: (request: Request, context: C | undefined, requestId: string) => Promise<Response>) {
  return async (request: Request, context?: C): Promise<Response> => {
    const requestId = newRequestId();
    return requestContext.run({ requestId }, async () => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(request, context, requestId);
      } catch (err) {
        response = errorResponse(toAppError(err, requestId, { method: request.method, path: new URL(request.url).pathname }));
      }
      response.headers.set("x-request-id", requestId);
      const clientRequestId = clientRequestIdOf(request);
      log.info("request", {
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        ms: Math.round(performance.now() - started),
        ...(clientRequestId ? { clientRequestId } : {}),
      });
      return response;
    });
  };
}
