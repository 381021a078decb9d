// One HTTP POST of a webhook: to a checked address only (targets.ts), no redirects followed (a
// 3xx is a failure, like any non-2xx), bounded in time, reading at most a snippet of the answer.
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { TargetPolicy } from "@/lib/config";
import { checkAddresses, checkTarget, guardedLookup, hostOf, TargetRefusedError } from "./targets";

export const RESPONSE_SNIPPET_BYTES = 1024;
export const SEND_TIMEOUT_MS = 10_000;

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
  latencyMs: number;
  responseSnippet?: string;
}

export async function sendWebhook(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  policy: TargetPolicy;
  timeoutMs?: number;
}): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    // Scheme and address checks again at send time: the policy or DNS may have changed.
    url = await checkTarget(options.policy, options.url);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), latencyMs: elapsed() };
  }
  const host = hostOf(url);
  // Node connects to an IP literal without calling `lookup`: check it here.
  if (isIP(host)) {
    try {
      checkAddresses(options.policy, host, [host]);
    } catch (err) {
      return { ok: false, error: (err as Error).message, latencyMs: elapsed() };
    }
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, "latencyMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: elapsed() });
    };
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-length": String(Buffer.byteLength(options.body)) },
        lookup: guardedLookup(options.policy) as never,
        timeout: options.timeoutMs ?? SEND_TIMEOUT_MS,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const statusCode = response.statusCode ?? 0;
          const snippet = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString("utf8");
          finish({
            ok: statusCode >= 200 && statusCode < 300,
            statusCode,
            error: statusCode >= 300 && statusCode < 400 ? `redirect to ${response.headers.location ?? "?"} not followed` : undefined,
            responseSnippet: snippet || undefined,
          });
          response.destroy();
        };
        response.on("data", (chunk: Buffer) => {
          if (size < RESPONSE_SNIPPET_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= RESPONSE_SNIPPET_BYTES) done();
        });
        response.on("end", done);
        response.on("error", (err) => finish({ ok: false, statusCode: response.statusCode, error: err.message }));
      },
    );
    // The whole exchange is bounded, not only idle time between packets.
    const deadline = setTimeout(() => request.destroy(new Error("timed out")), options.timeoutMs ?? SEND_TIMEOUT_MS);
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", (err) =>
      finish({ ok: false, error: err instanceof TargetRefusedError || (err as NodeJS.ErrnoException).code === "EWEBHOOKTARGET" ? err.message : `${(err as NodeJS.ErrnoException).code ?? "error"}: ${err.message}` }),
    );
    request.on("close", () => clearTimeout(deadline));
    request.end(options.body);
  });
}
