// Every route handler runs inside this wrapper: a request id (taken from X-Request-Id when the
// caller sent a sane one, else generated) is available to logs and echoed in the response.
import { randomUUID } from "node:crypto";
import { log, requestContext } from "@/lib/log";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && SANE_ID.test(given) ? given : randomUUID();
}

export type RouteHandler<C> = (request: Request, context: C, requestId: string) => Promise<Response>;

export function withRequestContext<C>(handler: RouteHandler<C>) {
  return async (request: Request, context: C): Promise<Response> => {
    const requestId = requestIdOf(request);
    return requestContext.run({ requestId }, async () => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(request, context, requestId);
      } catch (err) {
        log.error("unhandled error", { error: err instanceof Error ? err.stack : String(err) });
        response = Response.json({ error: "internal_error", requestId }, { status: 500 });
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
