// Configuration is read from the environment once and validated here; every variable the
// product understands is listed in this schema and in README.md's configuration table.
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { isTimeZone } from "./calendar-date";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const intWithDefault = (def: number, min: number, max: number) =>
  z.preprocess(
    (v) => (v === undefined || v === "" ? def : Number(v)),
    z.number().int().min(min).max(max),
  );

const envSchema = z.object({
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    "must be a postgres:// or postgresql:// URL (leave unset for the embedded database)",
  ),
  PGLITE_DATA_DIR: optionalString.transform((v) => v ?? "./data/pglite"),
  DATABASE_POOL_MAX: intWithDefault(10, 1, 200),
  PORT: intWithDefault(3000, 1, 65535),
  SCIM_BOOTSTRAP_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    "must be at least 32 characters (use a random value, e.g. `openssl rand -base64 32`)",
  ),
  ADMIN_EMAIL: optionalString.refine((v) => v === undefined || z.email().safeParse(v).success, "must be an e-mail address"),
  ADMIN_PASSWORD: optionalString.refine((v) => v === undefined || v.length >= 12, "must be at least 12 characters"),
  AUTH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
  NEXTAUTH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
  NEXTAUTH_URL: optionalString.refine((v) => v === undefined || z.url().safeParse(v).success, "must be a URL"),
  OIDC_ISSUER: optionalString.refine((v) => v === undefined || z.url().safeParse(v).success, "must be the issuer URL"),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_NAME: optionalString.transform((v) => v ?? "Single sign-on"),
  // The ID-token claim matched against SCIM users on a first SSO sign-in; `email` only counts
  // when email_verified is true (lib/auth/sso-roles.ts).
  OIDC_MATCH_CLAIM: optionalString
    .refine((v) => v === undefined || /^[\w.:-]{1,100}$/.test(v), "must be a claim name, e.g. email or preferred_username")
    .transform((v) => v ?? "email"),
  // Names or ids of the directories whose people may sign in by SSO; unset = every directory.
  OIDC_DIRECTORIES: optionalString.transform((v) => {
    const list = v?.split(",").map((s) => s.trim()).filter(Boolean);
    return list?.length ? list : undefined;
  }),
  SIGNIN_IP_LIMIT_PER_MINUTE: intWithDefault(60, 1, 100_000),
  SIGNIN_ACCOUNT_LIMIT_PER_MINUTE: intWithDefault(10, 1, 100_000),
  LOG_LEVEL: optionalString.pipe(z.enum(["debug", "info", "warn", "error"]).optional()).transform((v) => v ?? "info"),
  REQUEST_LOG_RETENTION_DAYS: intWithDefault(30, 1, 3650),
  SCIM_RATE_LIMIT_PER_MINUTE: intWithDefault(6000, 1, 1_000_000),
  // Unset = keep the audit trail forever.
  AUDIT_RETENTION_DAYS: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? undefined : Number(v)),
    z.number().int().min(1).max(36_500).optional(),
  ),
  ACCESS_EXPIRY_WARNING_DAYS: intWithDefault(30, 1, 365),
  // The benchmark's floor route (bench/scim.ts); off unless set to 1.
  BENCH_FLOOR_ROUTE: optionalString.pipe(z.enum(["0", "1"]).optional()).transform((v) => v === "1"),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: optionalString.superRefine((v, ctx) => {
    try {
      parseTargetPolicy(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message.replace(/^WEBHOOK_ALLOW_PRIVATE_TARGETS: /, "") });
    }
  }),
  SCIM_CREDENTIAL_CACHE_SECONDS: intWithDefault(5, 0, 300),
  TRUSTED_PROXIES: optionalString.superRefine((v, ctx) => {
    try {
      parseTrustedProxies(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
    }
  }),
  // Longest chain of nested groups (group inside group, counted in hops); a change beyond it is refused.
  GROUP_NESTING_MAX_DEPTH: intWithDefault(32, 1, 64),
  // Milliseconds an access read (check, lists, previews) may run before it is cancelled.
  ACCESS_STATEMENT_TIMEOUT_MS: intWithDefault(10_000, 100, 600_000),
  // The time zone of date-only inputs (a contract's end date "2026-03-31" grants through the end of
  // that day here). An IANA name; changing it affects dates written afterwards, not stored ones.
  ACCESS_TIME_ZONE: optionalString
    .refine((v) => v === undefined || isTimeZone(v), "must be an IANA time zone name, e.g. UTC or Europe/Berlin")
    .transform((v) => v ?? "UTC"),
  // The AuthZEN decision log (lib/authzen/decision-log.ts): on unless set to 0; how often its
  // buffered permits are written.
  DECISION_LOG: optionalString.pipe(z.enum(["0", "1"]).optional()).transform((v) => v !== "0"),
  DECISION_LOG_FLUSH_MS: intWithDefault(2_000, 100, 60_000),
  // E-mail notifications (lib/notifications): off unless SMTP_URL is set. smtp:// (STARTTLS when the
  // server offers it) or smtps:// (TLS from the start), credentials in the URL's user info.
  SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\/[^/\s]+/i.test(v), "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587"),
  SMTP_FROM: optionalString.refine(
    (v) => v === undefined || /^[^\r\n<>]*<[^\s<>@]+@[^\s<>@]+>$|^[^\s<>@]+@[^\s<>@]+$/.test(v),
    'must be an e-mail address, optionally with a name: "Custodian <custodian@example.com>"',
  ),
});

/**
 * TRUSTED_PROXIES: a comma list of addresses and CIDRs of the reverse proxies in front of
 * Custodian. Only hops they added to X-Forwarded-For (and their X-Forwarded-Host/-Proto) are
 * believed (lib/http/client.ts); unset, nothing a client forwards is.
 */
export function parseTrustedProxies(value: string | undefined): BlockList {
  const list = new BlockList();
  for (const raw of (value ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const [net, prefix, extra] = raw.replace(/^\[|\]$/g, "").split("/");
    const kind = isIP(net);
    if (!kind || extra !== undefined || (prefix !== undefined && !/^\d+$/.test(prefix)) || Number(prefix) > (kind === 4 ? 32 : 128)) {
      throw new Error(`"${raw}" is not an IP address or CIDR`);
    }
    const family = kind === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(net, family);
    else list.addSubnet(net, Number(prefix), family);
  }
  return list;
}

/** Where webhooks may be sent besides public addresses (lib/webhooks/targets.ts enforces it). */
export interface TargetPolicy {
  allowAll: boolean;
  hosts: Set<string>;
  ranges: BlockList;
}

/** WEBHOOK_ALLOW_PRIVATE_TARGETS: `true`, or a comma list of host names, addresses and CIDRs. */
export function parseTargetPolicy(value: string | undefined): TargetPolicy {
  const policy: TargetPolicy = { allowAll: false, hosts: new Set(), ranges: new BlockList() };
  for (const raw of (value ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (raw === "true") policy.allowAll = true;
    else if (raw.includes("/")) {
      const [net, prefix] = raw.split("/");
      const kind = isIP(net);
      if (!kind || !/^\d+$/.test(prefix)) throw new Error(`WEBHOOK_ALLOW_PRIVATE_TARGETS: "${raw}" is not a CIDR`);
      policy.ranges.addSubnet(net, Number(prefix), kind === 4 ? "ipv4" : "ipv6");
    } else if (isIP(raw.replace(/^\[|\]$/g, ""))) {
      const ip = raw.replace(/^\[|\]$/g, "");
      policy.ranges.addAddress(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
    } else policy.hosts.add(raw);
  }
  return policy;
}

export type AppConfig = z.infer<typeof envSchema> & {
  /** AUTH_SECRET, else NEXTAUTH_SECRET. */
  authSecret: string | undefined;
  databaseKind: "postgres" | "pglite";
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const c = result.data;
  if (c.SMTP_URL && !c.SMTP_FROM) throw new ConfigError(["SMTP_FROM: is required when SMTP_URL is set (the sender of notification e-mails)"]);
  return {
    ...c,
    authSecret: c.AUTH_SECRET ?? c.NEXTAUTH_SECRET,
    databaseKind: c.DATABASE_URL ? "postgres" : "pglite",
  };
}

let cached: AppConfig | undefined;

/** The validated configuration of this process (read once). */
export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests change the environment between files; they call this to re-read it. */
export function resetConfigForTests(): void {
  cached = undefined;
}
