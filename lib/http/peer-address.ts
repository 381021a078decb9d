// Next.js passes route handlers no socket address: its server copies it into X-Forwarded-For only
// when the request carried none, and otherwise keeps whatever the client wrote — so a client could
// choose the address the audit trail records. Installed once at start-up (instrumentation.ts),
// this appends the address of the peer that connected to X-Forwarded-For before Next.js sees the
// request, exactly as a reverse proxy does; lib/http/client.ts then reads the rightmost entry as
// that peer and believes entries to its left only when the peer is a TRUSTED_PROXIES address.
import http from "node:http";

const INSTALLED = Symbol.for("custodian.peer-address");

export function appendPeerAddressToForwardedFor(): void {
  const proto = http.Server.prototype as unknown as Record<PropertyKey, unknown> & { emit: (event: string | symbol, ...args: unknown[]) => boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      const peer = request.socket?.remoteAddress;
      if (peer) {
        const given = request.headers["x-forwarded-for"];
        const list = Array.isArray(given) ? given.join(", ") : given;
        request.headers["x-forwarded-for"] = list ? `${list}, ${peer}` : peer;
      }
    }
    return emit.call(this, event, ...args);
  };
}
