import { describe, expect, it } from "vitest";
import { parseTargetPolicy } from "@/lib/config";
import { checkTarget, forbiddenReason } from "./targets";

describe("webhook target policy (SSRF)", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["10.1.2.3", "private"],
    ["172.20.0.1", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "shared"],
    ["169.254.169.254", "link-local"],
    ["0.0.0.0", "this network"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "unique local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["64:ff9b::a00:1", "private"],
    ["2002:c0a8:101::1", "private"],
    // Special-purpose IPv6 ranges that carry an IPv4 address (RFC 6890 registry, RFC 8215, RFC 2765):
    // refused whatever the IPv4 address inside, like every other non-global range.
    ["::ffff:8.8.8.8", "IPv4-mapped"],
    ["::ffff:808:808", "IPv4-mapped"],
    ["::ffff:1.1.1.1", "IPv4-mapped"],
    ["::ffff:0:808:808", "IPv4-translated"],
    ["::808:808", "IPv4-compatible"],
    ["64:ff9b:1::808:808", "local-use translation"],
    ["64:ff9b:1:ffff::1", "local-use translation"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(forbiddenReason(address)).toContain(reason);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"])("accepts public %s", (address) => {
    expect(forbiddenReason(address)).toBeUndefined();
  });

  const strict = parseTargetPolicy(undefined);

  it.each([
    "https://127.0.0.1/hook",
    "https://10.0.0.5/hook",
    "http://169.254.169.254/latest/meta-data/",
    "https://[::1]:8443/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:8.8.8.8]/hook",
    "https://[64:ff9b:1::808:808]/hook",
    "https://localhost/hook",
  ])("refuses %s by default", async (url) => {
    await expect(checkTarget(strict, url)).rejects.toThrow(/refused/);
  });

  it("refuses other schemes, credentials in the URL and plain http to public hosts", async () => {
    await expect(checkTarget(strict, "ftp://93.184.216.34/x")).rejects.toThrow(/https/);
    await expect(checkTarget(strict, "https://user:pw@93.184.216.34/x")).rejects.toThrow(/credentials/);
    await expect(checkTarget(strict, "http://93.184.216.34/x")).rejects.toThrow(/https/);
    await expect(checkTarget(strict, "https://93.184.216.34/x")).resolves.toBeInstanceOf(URL);
  });

  it("allows what WEBHOOK_ALLOW_PRIVATE_TARGETS lists, plain http included", async () => {
    const loopback = parseTargetPolicy("127.0.0.1, 10.0.0.0/8, [::1], hooks.internal");
    await expect(checkTarget(loopback, "http://127.0.0.1:9999/hook")).resolves.toBeInstanceOf(URL);
    await expect(checkTarget(loopback, "https://10.9.8.7/hook")).resolves.toBeInstanceOf(URL);
    await expect(checkTarget(loopback, "http://[::1]:9999/hook")).resolves.toBeInstanceOf(URL);
    await expect(checkTarget(loopback, "https://[::ffff:127.0.0.1]/hook")).resolves.toBeInstanceOf(URL);
    // Still refused: not listed.
    await expect(checkTarget(loopback, "https://169.254.169.254/")).rejects.toThrow(/link-local/);
    await expect(checkTarget(loopback, "https://192.168.0.1/")).rejects.toThrow(/private/);
    await expect(checkTarget(parseTargetPolicy("true"), "http://169.254.169.254/")).resolves.toBeInstanceOf(URL);
    expect(() => parseTargetPolicy("10.0.0.0/x")).toThrow(/CIDR/);
  });
});
