// Where webhooks may be sent (SSRF protection). A webhook URL is chosen by an admin, but the
// request leaves from inside the network: without checks it could reach the database, the cloud
// metadata service (169.254.169.254) or an internal admin page. So every address a target
// resolves to must be public — checked at registration and again at every connection (the
// checked address is the one connected to, so DNS rebinding between check and send does not
// help). WEBHOOK_ALLOW_PRIVATE_TARGETS lists hosts, addresses or CIDRs allowed anyway (`true`:
// all); only such explicitly allowed targets may use plain http.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import type { TargetPolicy } from "@/lib/config";
import { AppError } from "@/lib/errors";

/** Ranges that are not the public internet, with the reason shown to the admin. */
const FORBIDDEN_V4: [string, number, string][] = [
  ["0.0.0.0", 8, "a 'this network' address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata lives here)"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "a reserved address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.88.99.0", 24, "a reserved address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];
const FORBIDDEN_V6: [string, number, string][] = [
  ["::", 128, "the unspecified address"],
  ["::1", 128, "a loopback address"],
  ["100::", 64, "a discard address"],
  ["2001:db8::", 32, "a documentation address"],
  ["fc00::", 7, "a unique local (private) address"],
  ["fe80::", 10, "a link-local address"],
  ["fec0::", 10, "a site-local address"],
  ["ff00::", 8, "a multicast address"],
];

function blockListOf(ranges: [string, number, string][], family: "ipv4" | "ipv6") {
  return ranges.map(([net, prefix, reason]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return { list, reason };
  });
}
/**
 * IPv6 forms that carry an IPv4 address and are not global addresses themselves (IANA
 * special-purpose registry, RFC 6890): refused whatever the IPv4 address inside, since a real
 * target is written as its IPv4 address. When the IPv4 address inside is itself not public, that
 * reason is given instead. The well-known NAT64 prefix 64:ff9b::/96 (RFC 6052) and 6to4 stay
 * checked as the IPv4 address they lead to: IPv6-only networks reach public hosts through them.
 */
const FORBIDDEN_V6_CARRIERS: [string, number, string][] = [
  ["::ffff:0:0", 96, "an IPv4-mapped address (write the IPv4 address itself)"],
  ["::ffff:0:0:0", 96, "an IPv4-translated address (RFC 2765)"],
  ["::", 96, "a deprecated IPv4-compatible address"],
  ["64:ff9b:1::", 48, "a local-use translation address (RFC 8215)"],
];
const forbiddenV4 = blockListOf(FORBIDDEN_V4, "ipv4");
const forbiddenV6 = blockListOf(FORBIDDEN_V6, "ipv6");
const forbiddenV6Carriers = blockListOf(FORBIDDEN_V6_CARRIERS, "ipv6");

/** The 8 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail, if any). */
function ipv6Groups(address: string): number[] {
  let text = address.split("%")[0].toLowerCase();
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const [a, b, c, d] = v4[1].split(".").map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => parseInt(g, 16));
}

/**
 * The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d,
 * NAT64 64:ff9b::/96, 6to4 2002::/16): checked as that IPv4 address, since that is where it leads.
 */
function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6], g[7]);
  if (zeros(0, 6) && (g[6] !== 0 || g[7] > 1)) return v4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return undefined;
}

/** The address as it is reached: IPv4 for IPv6 forms that carry one. */
export function normaliseAddress(address: string): { address: string; family: "ipv4" | "ipv6" } {
  if (isIP(address) === 4) return { address, family: "ipv4" };
  const v4 = embeddedIPv4(address);
  return v4 ? { address: v4, family: "ipv4" } : { address: address.split("%")[0], family: "ipv6" };
}

/** Why this address is not a public internet address, or undefined when it is. */
export function forbiddenReason(address: string): string | undefined {
  const n = normaliseAddress(address);
  const lists = n.family === "ipv4" ? forbiddenV4 : forbiddenV6;
  const reason = lists.find((l) => l.list.check(n.address, n.family))?.reason;
  if (reason || isIP(address) !== 6) return reason;
  const groups = ipv6Groups(address);
  // BlockList folds IPv4-mapped forms into IPv4, so the carrier ranges are matched on the groups.
  return forbiddenV6Carriers.find((l) => l.list.check(groups.map((g) => g.toString(16)).join(":"), "ipv6"))?.reason;
}

function addressAllowed(policy: TargetPolicy, address: string): boolean {
  if (policy.allowAll) return true;
  const n = normaliseAddress(address);
  return policy.ranges.check(n.address, n.family) || (n.address !== address && policy.ranges.check(address.split("%")[0], "ipv6"));
}

export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetRefusedError";
  }
}

/** The host name of a URL without IPv6 brackets, lower-case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
}

/** Refuses any address of `host` that is not public unless the policy allows it. */
export function checkAddresses(policy: TargetPolicy, host: string, addresses: string[]): void {
  if (addresses.length === 0) throw new TargetRefusedError(`${host} does not resolve to any address`);
  if (policy.allowAll || policy.hosts.has(host)) return;
  for (const address of addresses) {
    const reason = forbiddenReason(address);
    if (reason && !addressAllowed(policy, address)) {
      throw new TargetRefusedError(
        `${host === address ? address : `${host} resolves to ${address}`}, ${reason}: refused (allow it with WEBHOOK_ALLOW_PRIVATE_TARGETS)`,
      );
    }
  }
}

/** Whether the target is explicitly allowed (and so may use plain http). */
function explicitlyAllowed(policy: TargetPolicy, host: string, addresses: string[]): boolean {
  return policy.allowAll || policy.hosts.has(host) || (addresses.length > 0 && addresses.every((a) => addressAllowed(policy, a)));
}

export function resolveAll(host: string): Promise<string[]> {
  if (isIP(host)) return Promise.resolve([host]);
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(new TargetRefusedError(`${host} does not resolve (${err.code ?? err.message})`)) : resolve(addresses.map((a) => a.address)),
    ),
  );
}

/** Checks a URL as a webhook target (scheme, credentials, every resolved address). */
export async function checkTarget(policy: TargetPolicy, rawUrl: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new TargetRefusedError("not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TargetRefusedError("must be an https URL");
  if (url.username || url.password) throw new TargetRefusedError("must not contain credentials");
  const host = hostOf(url);
  const addresses = await resolveAll(host);
  checkAddresses(policy, host, addresses);
  if (url.protocol === "http:" && !explicitlyAllowed(policy, host, addresses)) {
    throw new TargetRefusedError("must be an https URL (plain http only for targets allowed by WEBHOOK_ALLOW_PRIVATE_TARGETS)");
  }
  return url;
}

/** For registration forms: the same check as an invalid_input error on the `url` field. */
export async function assertTargetAllowed(policy: TargetPolicy, rawUrl: string): Promise<URL> {
  try {
    return await checkTarget(policy, rawUrl);
  } catch (err) {
    if (err instanceof TargetRefusedError) {
      throw new AppError("invalid_input", `The URL is not allowed: ${err.message}`, [{ path: "url", message: err.message }]);
    }
    throw err;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) that resolves, checks every address and hands over only checked
 * ones: the connection goes to the address that was checked (no rebinding window).
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    const host = hostname.toLowerCase();
    resolveAll(host)
      .then((addresses) => {
        checkAddresses(policy, host, addresses);
        const list = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, list);
        else callback(null, list[0].address, list[0].family);
      })
      .catch((err: Error) => callback(Object.assign(err, { code: "EWEBHOOKTARGET" }) as NodeJS.ErrnoException, ""));
  };
}
