// Every route handler runs inside this wrapper: a request id — always the server's own, so no two
// requests share one — is available to logs and echoed in the response (X-Request-Id). The
// caller's X-Request-Id, when it sent a sane one, is kept beside it (clientRequestId: the log line,
// the audit event, the SCIM request log), never instead of it.
import { log, requestContext } from "@/lib/log";
import { clientRequestIdOf, newRequestId } from "./client";
import { errorResponse, toAppError } from "./error-response";

/**
 * Request id, one log line per request, and every thrown error answered from the error table.
 * `echoClientRequestId`: the response's X-Request-Id is the caller's own when it sent a sane one —
 * AuthZEN 1.0 requires the echo (its certification scenario §2.5); the log line keeps ours.
 */
export function withRequestContext<C>(
  handler: (request: Request, context: C | undefined, requestId: string) => Promise<Response>,
  options: { echoClientRequestId?: boolean } = {},
) {
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
      const clientRequestId = clientRequestIdOf(request);
      response.headers.set("x-request-id", options.echoClientRequestId && clientRequestId ? clientRequestId : requestId);
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
