// A real HTTP receiver on the loopback interface for webhook tests (Vitest and Playwright): it
// records every request with its raw body and answers with the status `respond` chooses.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export async function startWebhookReceiver(respond: (request: ReceivedWebhook, index: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), receivedAt: Date.now() };
      received.push(request);
      const status = respond(request, received.length - 1);
      res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "receiver says no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    /** Requests whose payload has this event id. */
    forEvent: (id: string) => received.filter((r) => (JSON.parse(r.body) as { id: string }).id === id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
