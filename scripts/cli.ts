// `npm run cli -- <command>`: administration from a terminal (automated deployments, first setup).
// Works against PostgreSQL while the app runs; on the embedded database only while the app is
// stopped (one process owns the data folder, and the error names the process that holds it).
import { parseArgs } from "node:util";
import { getConfig } from "@/lib/config";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createDirectory, createOAuthClient, createScimToken, revokeOAuthClient, revokeScimToken, DIRECTORY_KINDS } from "@/lib/directories/service";
import { API_SCOPES, createApiKey, listApiKeys, revokeApiKey } from "@/lib/api-keys/service";
import type { Actor } from "@/lib/audit/record";
import type { PrismaClient } from "@/lib/generated/prisma/client";

const actor: Actor = { type: "admin", label: `cli (${process.env.USER ?? "unknown user"})` };

const usage = `Usage: npm run cli -- <command> [options]

Commands:
  directory create --name <name> [--kind ${DIRECTORY_KINDS.join("|")}] [--token-name <name>] [--expires-in-days <n>]
      Creates a directory and prints its first SCIM bearer token (shown once).
  directory list
  token create --directory <name|id> [--token-name <name>] [--expires-in-days <n>]
      Prints a new bearer token for the directory (shown once). Several may be live: rotate without downtime.
  token list --directory <name|id>
  token revoke --id <token id>
  oauth-client create --directory <name|id> --name <name>
      Prints an OAuth 2.0 client id and secret (shown once) for POST /scim/v2/oauth/token.
  oauth-client revoke --id <client record id>
  api-key create --name <name> --scope <scope> [--scope <scope> …] [--expires-in-days <n>]
      Prints a new key for /api/v1 (shown once). Scopes: ${API_SCOPES.join(", ")} (admin = all).
  api-key list
  api-key revoke --id <key id>

Options:
  --base-url <url>   Public URL of Custodian, to print the SCIM endpoint (default http://localhost:$PORT)
`;

async function findDirectory(prisma: PrismaClient, ref: string | undefined) {
  if (!ref) throw new Error("--directory is required");
  const directory =
    (await prisma.directory.findUnique({ where: { name: ref } })) ??
    (await prisma.directory.findUnique({ where: { id: ref } }).catch(() => null));
  if (!directory) throw new Error(`No directory named or with id "${ref}"`);
  return directory;
}

function expiry(days: string | undefined): Date | undefined {
  if (days === undefined) return undefined;
  const n = Number(days);
  if (!Number.isInteger(n) || n < 1) throw new Error("--expires-in-days must be a positive integer");
  return new Date(Date.now() + n * 86_400_000);
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      kind: { type: "string" },
      directory: { type: "string" },
      id: { type: "string" },
      "token-name": { type: "string" },
      "expires-in-days": { type: "string" },
      "base-url": { type: "string" },
      scope: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  const [area, verb] = positionals;
  if (values.help || !area) {
    process.stdout.write(usage);
    return;
  }
  const config = getConfig();
  const scimUrl = `${(values["base-url"] ?? `http://localhost:${config.PORT}`).replace(/\/$/, "")}/scim/v2`;
  const db = await getDatabase();
  await db.withSession((s) => migrate(s));
  const prisma = db.prisma;
  const command = `${area} ${verb ?? ""}`.trim();

  switch (command) {
    case "directory create": {
      if (!values.name) throw new Error("--name is required");
      const directory = await createDirectory(prisma, { input: { name: values.name, kind: values.kind as never }, actor });
      const { token, record } = await createScimToken(prisma, {
        directoryId: directory.id,
        input: { name: values["token-name"] ?? "SCIM token", expiresAt: expiry(values["expires-in-days"]) },
        actor,
      });
      print({ directory: { id: directory.id, name: directory.name, kind: directory.kind }, scimBaseUrl: scimUrl, token, tokenId: record.id });
      process.stderr.write("The token is shown once: store it in your identity provider now.\n");
      return;
    }
    case "directory list": {
      const rows = await prisma.directory.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { users: true, groups: true } } } });
      print(rows.map((d) => ({ id: d.id, name: d.name, kind: d.kind, users: d._count.users, groups: d._count.groups })));
      return;
    }
    case "token create": {
      const directory = await findDirectory(prisma, values.directory);
      const { token, record } = await createScimToken(prisma, {
        directoryId: directory.id,
        input: { name: values["token-name"] ?? "SCIM token", expiresAt: expiry(values["expires-in-days"]) },
        actor,
      });
      print({ directory: directory.name, scimBaseUrl: scimUrl, token, tokenId: record.id, expiresAt: record.expiresAt });
      process.stderr.write("The token is shown once: store it in your identity provider now.\n");
      return;
    }
    case "token list": {
      const directory = await findDirectory(prisma, values.directory);
      const rows = await prisma.scimToken.findMany({ where: { directoryId: directory.id }, orderBy: { createdAt: "asc" } });
      print(rows.map((t) => ({ id: t.id, name: t.name, prefix: `${t.prefix}…`, createdAt: t.createdAt, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt })));
      return;
    }
    case "token revoke": {
      if (!values.id) throw new Error("--id is required");
      const revoked = await revokeScimToken(prisma, { tokenId: values.id, actor });
      print({ id: revoked.id, revokedAt: revoked.revokedAt });
      return;
    }
    case "oauth-client create": {
      const directory = await findDirectory(prisma, values.directory);
      if (!values.name) throw new Error("--name is required");
      const { clientId, clientSecret } = await createOAuthClient(prisma, { directoryId: directory.id, name: values.name, actor });
      print({ directory: directory.name, tokenEndpoint: `${scimUrl}/oauth/token`, clientId, clientSecret });
      process.stderr.write("The client secret is shown once.\n");
      return;
    }
    case "api-key create": {
      if (!values.name) throw new Error("--name is required");
      if (!values.scope?.length) throw new Error(`--scope is required (one or more of: ${API_SCOPES.join(", ")})`);
      const unknown = values.scope.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
      if (unknown.length) throw new Error(`Unknown scope ${unknown.join(", ")}; use ${API_SCOPES.join(", ")}`);
      const { key, record } = await createApiKey(prisma, {
        input: { name: values.name, scopes: values.scope as never, expiresAt: expiry(values["expires-in-days"]) },
        actor,
      });
      print({ key, id: record.id, name: record.name, scopes: record.scopes, expiresAt: record.expiresAt });
      process.stderr.write("The key is shown once: store it in the contract system now (Authorization: Bearer <key>).\n");
      return;
    }
    case "api-key list": {
      const rows = [];
      for (let page = 1; ; page++) {
        const result = await listApiKeys(prisma, { page: { page, pageSize: 200 } });
        rows.push(...result.items);
        if (rows.length >= result.total || result.items.length === 0) break;
      }
      print(rows);
      return;
    }
    case "api-key revoke": {
      if (!values.id) throw new Error("--id is required");
      const revoked = await revokeApiKey(prisma, { id: values.id, actor });
      print({ id: revoked.id, revokedAt: revoked.revokedAt });
      return;
    }
    case "oauth-client revoke": {
      if (!values.id) throw new Error("--id is required");
      const revoked = await revokeOAuthClient(prisma, { clientRecordId: values.id, actor });
      print({ id: revoked.id, clientId: revoked.clientId, revokedAt: revoked.revokedAt });
      return;
    }
    default:
      process.stderr.write(`Unknown command "${command}"\n\n${usage}`);
      process.exitCode = 2;
  }
}

function print(value: unknown) {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

main(process.argv.slice(2))
  .catch((err: unknown) => {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
