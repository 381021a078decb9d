// Proves that a database migrated from zero by our own migrator (prisma/migrations/*) has exactly
// the schema Prisma Migrate would create for prisma/schema.prisma. This replaces
// `prisma migrate diff`, which needs the native schema engine (see /work/shared/TOOLCHAIN.md).
// Runs on a fresh PGlite folder, or on a fresh database of the TEST_DATABASE_URL server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "./client";
import { migrate, readMigrations } from "./migrate";
import { diffSchemas, normaliseDefault, type DatabaseSchema, type TableSchema } from "./schema-drift";
import { introspectDatabase } from "./schema-drift-introspect";
import { parsePrismaSchema } from "./schema-drift-parse";
import { PrismaSchemaParseError } from "./schema-drift-prisma-syntax";

const SCHEMA_PATH = path.join(process.cwd(), "prisma", "schema.prisma");
const schemaText = readFileSync(SCHEMA_PATH, "utf8");

/** A brand-new empty database, migrated with the real migrator. */
async function freshMigratedDatabase(): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `custodian_drift_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: url.toString(), poolMax: 2 });
    await db.withSession((s) => migrate(s));
    return {
      db,
      dispose: async () => {
        await db.close();
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "custodian-drift-"));
  const db = await openDatabase({ pgliteDataDir: path.join(dir, "pglite") });
  await db.withSession((s) => migrate(s));
  return {
    db,
    dispose: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Replaces exactly one occurrence, so a mutation can never silently become a no-op. */
function mutate(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`expected exactly one ${JSON.stringify(from)} in schema.prisma`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

const report = (diff: string[]) => `schema.prisma and the migrated database differ:\n  ${diff.join("\n  ")}`;

describe("schema drift: migrations versus prisma/schema.prisma", () => {
  let fresh: Awaited<ReturnType<typeof freshMigratedDatabase>>;
  let actual: DatabaseSchema;

  beforeAll(async () => {
    fresh = await freshMigratedDatabase();
    actual = await fresh.db.withSession((s) => introspectDatabase(s));
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  it("a database migrated from zero matches the Prisma schema exactly", () => {
    const expected = parsePrismaSchema(schemaText);
    // Guard against a vacuous comparison.
    expect(readMigrations().length).toBeGreaterThan(0);
    expect(expected.tables.map((t) => t.name).sort()).toEqual(actual.tables.map((t) => t.name).sort());
    expect(expected.tables.length).toBeGreaterThanOrEqual(10);
    expect(expected.tables.flatMap((t) => t.foreignKeys).length).toBeGreaterThan(0);

    const diff = diffSchemas(expected, actual);
    expect(diff, report(diff)).toEqual([]);
  });

  // Each mutation of the schema text must be noticed, and the message must name the thing.
  it.each([
    {
      what: "an added column",
      from: "model Directory {\n",
      to: "model Directory {\n  nickname2 String?\n",
      line: `"Directory": missing column "nickname2" text NULL`,
    },
    {
      what: "a changed nullability",
      from: `kind               String    @default("generic")`,
      to: `kind               String?   @default("generic")`,
      line: `"Directory"."kind": nullability is NOT NULL, expected NULL`,
    },
    {
      what: "a removed @@index",
      from: "  @@index([directoryId, primaryEmail])\n",
      to: "",
      line: `"User": extra index "User_directoryId_primaryEmail_idx" (directoryId, primaryEmail)`,
    },
    {
      what: "a changed default",
      from: '@default("generic")',
      to: '@default("okta")',
      line: `"Directory"."kind": default is 'generic', expected 'okta'`,
    },
    {
      what: "a changed type",
      from: "  version           Int       @default(1)",
      to: "  version           BigInt    @default(1)",
      line: `"User"."version": type is integer, expected bigint`,
    },
    {
      what: "a removed @unique",
      from: "name               String    @unique",
      to: "name               String",
      line: `"Directory": extra unique index "Directory_name_key" UNIQUE (name)`,
    },
    {
      what: "a removed onDelete (Prisma's default for an optional relation is SetNull)",
      from: `@relation("MemberUser", fields: [memberUserId], references: [id], onDelete: Cascade)`,
      to: `@relation("MemberUser", fields: [memberUserId], references: [id])`,
      line: `"GroupMember": foreign key "GroupMember_memberUserId_fkey": ON DELETE Cascade, expected SetNull`,
    },
    {
      what: "an added @@unique",
      from: "  @@index([userId, validFrom])\n",
      to: "  @@index([userId, validFrom])\n  @@unique([userId, eventId])\n",
      line: `"UserStatusInterval": missing unique index "UserStatusInterval_userId_eventId_key" UNIQUE (userId, eventId)`,
    },
    {
      what: "a renamed table",
      from: "model RequestLog {\n",
      to: 'model RequestLog {\n  @@map("request_log")\n',
      line: `missing table "request_log"`,
    },
  ])("notices $what", ({ from, to, line }) => {
    const diff = diffSchemas(parsePrismaSchema(mutate(schemaText, from, to)), actual);
    expect(diff.length, "mutation went unnoticed").toBeGreaterThan(0);
    expect(diff, report(diff)).toContain(line);
  });

  it("reports extra tables, columns, indexes and constraints, but not functions or triggers", async () => {
    const expected = parsePrismaSchema(schemaText);
    const rolledBack = new Error("rollback");
    let withTrigger: string[] = [];
    let withExtras: string[] = [];
    let allowed: string[] = [];
    await expect(
      fresh.db.withSession((s) =>
        s.transaction(async (tx) => {
          await tx.exec(`
            CREATE FUNCTION "touch_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN NEW."updatedAt" := CURRENT_TIMESTAMP; RETURN NEW; END $$;
            CREATE TRIGGER "Directory_touch" BEFORE UPDATE ON "Directory"
              FOR EACH ROW EXECUTE FUNCTION "touch_updated_at"();
          `);
          withTrigger = diffSchemas(expected, await introspectDatabase(tx));
          await tx.exec(`
            CREATE TABLE "Extra" ("id" TEXT PRIMARY KEY);
            ALTER TABLE "User" ADD COLUMN "shoeSize" INTEGER;
            CREATE INDEX "User_userName_desc" ON "User" ("userName" DESC) WHERE "active";
            ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_one_member_check"
              CHECK (num_nonnulls("memberUserId", "memberGroupId") = 1);
            ALTER TABLE "Directory" ALTER COLUMN "kind" SET DEFAULT 'okta';
          `);
          const actualWithExtras = await introspectDatabase(tx);
          withExtras = diffSchemas(expected, actualWithExtras);
          allowed = diffSchemas(expected, actualWithExtras, {
            allowExtra: [
              "Extra",
              "User.shoeSize",
              "User.User_userName_desc",
              "GroupMember.GroupMember_one_member_check",
            ],
          });
          throw rolledBack;
        }),
      ),
    ).rejects.toBe(rolledBack);

    expect(withTrigger, report(withTrigger)).toEqual([]);
    expect(withExtras).toEqual(
      expect.arrayContaining([
        `extra table "Extra" with columns (id)`,
        `"User": extra column "shoeSize" integer NULL`,
        `"User": extra index "User_userName_desc" (userName) [WHERE active; userName DESC]`,
        `"GroupMember": extra constraint "GroupMember_one_member_check" CHECK (num_nonnulls("memberUserId", "memberGroupId") = 1)`,
        `"Directory"."kind": default is 'okta', expected 'generic'`,
      ]),
    );
    expect(withExtras).toHaveLength(5);
    expect(allowed).toEqual([`"Directory"."kind": default is 'okta', expected 'generic'`]);
    // The transaction was rolled back: the database matches again.
    const after = diffSchemas(expected, await fresh.db.withSession((s) => introspectDatabase(s)));
    expect(after, report(after)).toEqual([]);
  });
});

describe("parsePrismaSchema", () => {
  const header = `generator client {\n  provider = "prisma-client"\n  output   = "../x"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n`;
  const parse = (body: string) => parsePrismaSchema(header + body);
  const table = (body: string, name: string): TableSchema => {
    const t = parse(body).tables.find((x) => x.name === name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  };

  it("maps scalar types, optionality and defaults as PostgreSQL reports them", () => {
    const t = table(
      `
/// doc comment
model Thing { // trailing comment
  id        String   @id @default(uuid())
  n         Int      @default(-1)
  big       BigInt   @default(5)
  ok        Boolean  @default(false)
  at        DateTime @default(now())
  touched   DateTime @updatedAt
  data      Json     @default("{\\"b\\": 1, \\"a\\": [1]}")
  ratio     Float    @default(1.50)
  amount    Decimal?
  label     String   @default("it's")
  code      String   @db.VarChar(12)
  opaque    String?  @db.Uuid
  stamp     DateTime @db.Timestamptz(6)
}`,
      "Thing",
    );
    expect(t.columns).toEqual([
      { name: "id", type: "text", nullable: false, default: null },
      { name: "n", type: "integer", nullable: false, default: "-1" },
      { name: "big", type: "bigint", nullable: false, default: "5" },
      { name: "ok", type: "boolean", nullable: false, default: "false" },
      { name: "at", type: "timestamp(3) without time zone", nullable: false, default: "CURRENT_TIMESTAMP" },
      { name: "touched", type: "timestamp(3) without time zone", nullable: false, default: null },
      { name: "data", type: "jsonb", nullable: false, default: `'{"a":[1],"b":1}'` },
      { name: "ratio", type: "double precision", nullable: false, default: "1.5" },
      { name: "amount", type: "numeric(65,30)", nullable: true, default: null },
      { name: "label", type: "text", nullable: false, default: "'it''s'" },
      { name: "code", type: "character varying(12)", nullable: false, default: null },
      { name: "opaque", type: "uuid", nullable: true, default: null },
      { name: "stamp", type: "timestamp(6) with time zone", nullable: false, default: null },
    ]);
    expect(t.primaryKey).toEqual({ name: "Thing_pkey", columns: ["id"] });
  });

  it("derives Prisma's constraint names from mapped table and column names, truncated to 63 bytes", () => {
    const body = `
model Account {
  id        Int    @id @default(autoincrement())
  ownerId   Int    @map("owner_id")
  email     String @unique
  aVeryLongColumnNameThatKeepsGoing String
  anotherRatherLongColumnNameToo    String
  owner     Person @relation(fields: [ownerId], references: [id])

  @@map("accounts")
  @@index([ownerId, email])
  @@unique([aVeryLongColumnNameThatKeepsGoing, anotherRatherLongColumnNameToo])
  @@index([email], map: "custom_email_idx")
}
model Person {
  id       Int       @id
  accounts Account[]
  @@map("people")
}`;
    const t = table(body, "accounts");
    expect(t.columns.map((c) => c.name)).toEqual([
      "id",
      "owner_id",
      "email",
      "aVeryLongColumnNameThatKeepsGoing",
      "anotherRatherLongColumnNameToo",
    ]);
    expect(t.columns[0]).toEqual({
      name: "id",
      type: "integer",
      nullable: false,
      default: "nextval(accounts_id_seq)",
    });
    expect(t.primaryKey).toEqual({ name: "accounts_pkey", columns: ["id"] });
    // Untruncated this would be 71 bytes: Prisma cuts table+columns to 59 bytes, then adds "_key".
    expect(t.indexes).toEqual([
      { name: "accounts_email_key", columns: ["email"], unique: true, extras: [] },
      { name: "accounts_owner_id_email_idx", columns: ["owner_id", "email"], unique: false, extras: [] },
      {
        name: "accounts_aVeryLongColumnNameThatKeepsGoing_anotherRatherLon_key",
        columns: ["aVeryLongColumnNameThatKeepsGoing", "anotherRatherLongColumnNameToo"],
        unique: true,
        extras: [],
      },
      { name: "custom_email_idx", columns: ["email"], unique: false, extras: [] },
    ]);
    expect(t.indexes[2].name).toHaveLength(63);
    expect(t.foreignKeys).toEqual([
      {
        name: "accounts_owner_id_fkey",
        columns: ["owner_id"],
        referencedTable: "people",
        referencedColumns: ["id"],
        onDelete: "Restrict",
        onUpdate: "Cascade",
        extras: [],
      },
    ]);
  });

  it("applies Prisma's referential action defaults and explicit actions", () => {
    const fks = table(
      `
model Parent {
  id       String  @id
  a        Child[] @relation("A")
  b        Child[] @relation("B")
  c        Child[] @relation("C")
  d        Child[] @relation("D")
}
model Child {
  id       String  @id
  aId      String
  bId      String?
  cId      String?
  dId      String
  a        Parent  @relation("A", fields: [aId], references: [id])
  b        Parent? @relation("B", fields: [bId], references: [id])
  c        Parent? @relation(name: "C", fields: [cId], references: [id], onDelete: Cascade, onUpdate: NoAction, map: "c_fk")
  d        Parent? @relation("D", fields: [dId], references: [id])
}`,
      "Child",
    ).foreignKeys;
    expect(fks.map((f) => [f.name, f.onDelete, f.onUpdate])).toEqual([
      ["Child_aId_fkey", "Restrict", "Cascade"],
      ["Child_bId_fkey", "SetNull", "Cascade"],
      ["c_fk", "Cascade", "NoAction"],
      // The relation field is optional but its scalar is required: Prisma counts it as required.
      ["Child_dId_fkey", "Restrict", "Cascade"],
    ]);
  });

  it.each([
    ["an unknown field attribute", `model A {\n  id String @id @ignore\n}`, /unsupported attribute @ignore/],
    ["a made-up attribute", `model A {\n  id String @id @frobnicate\n}`, /unsupported attribute @frobnicate/],
    [
      "an unknown block attribute",
      `model A {\n  id String @id\n  x String\n  @@fulltext([x])\n}`,
      /unsupported attribute @@fulltext/,
    ],
    ["an enum", `enum Role {\n  ADMIN\n}`, /unsupported block "enum"/],
    ["an enum-typed field", `model A {\n  id String @id\n  r Role\n}`, /unsupported type "Role"/],
    ["a scalar list", `model A {\n  id String @id\n  tags String[]\n}`, /scalar lists/],
    [
      "Unsupported(...)",
      `model A {\n  id String @id\n  g Unsupported("circle")\n}`,
      /unsupported type Unsupported/,
    ],
    ["a Bytes field", `model A {\n  id String @id\n  b Bytes\n}`, /unsupported type "Bytes"/],
    [
      "an implicit many-to-many",
      `model A {\n  id String @id\n  bs B[]\n}\nmodel B {\n  id String @id\n  as A[]\n}`,
      /implicit many-to-many/,
    ],
    [
      "an index with sort order",
      `model A {\n  id String @id\n  x String\n  @@index([x(sort: Desc)])\n}`,
      /only plain field names/,
    ],
    [
      "an index type",
      `model A {\n  id String @id\n  x String\n  @@index([x], type: Hash)\n}`,
      /unsupported argument "type"/,
    ],
    [
      "dbgenerated()",
      `model A {\n  id String @id @default(dbgenerated("gen_random_uuid()"))\n}`,
      /unsupported @default/,
    ],
    [
      "a DateTime literal default",
      `model A {\n  id String @id\n  t DateTime @default("2020-01-01")\n}`,
      /unsupported @default/,
    ],
    ["a mistyped default", `model A {\n  id String @id\n  n Int @default("1")\n}`, /unsupported @default/],
    [
      "an unknown native type",
      `model A {\n  id String @id\n  x String @db.Bit(1)\n}`,
      /unsupported native type @db.Bit/,
    ],
    [
      "a native type on the wrong scalar",
      `model A {\n  id Int @id @db.Uuid\n}`,
      /@db.Uuid is not valid on Int/,
    ],
    [
      "two primary keys",
      `model A {\n  id String @id\n  x String\n  @@id([id, x])\n}`,
      /more than one primary key/,
    ],
    [
      "relationMode",
      `datasource other {\n  provider = "postgresql"\n  relationMode = "prisma"\n}`,
      /unsupported datasource property "relationMode"/,
    ],
    [
      "preview features",
      `generator other {\n  provider = "x"\n  previewFeatures = ["views"]\n}`,
      /previewFeatures/,
    ],
    ["a block comment", `/* hello */`, /block comments/],
    [
      "an index on a missing field",
      `model A {\n  id String @id\n  @@index([nope])\n}`,
      /A has no field "nope"/,
    ],
    ["garbage", `model A {\n  id String @id ~\n}`, /unexpected character/],
  ])("throws on %s", (_what, body, message) => {
    const run = () =>
      parsePrismaSchema(body.startsWith("datasource") || body.startsWith("generator") ? body : header + body);
    expect(run).toThrow(PrismaSchemaParseError);
    expect(run).toThrow(message);
  });

  it("parses the project schema without throwing", () => {
    const parsed = parsePrismaSchema(schemaText);
    const directory = parsed.tables.find((t) => t.name === "Directory")!;
    expect(directory.columns.find((c) => c.name === "updatedAt")).toEqual({
      name: "updatedAt",
      type: "timestamp(3) without time zone",
      nullable: false,
      default: null,
    });
    const audit = parsed.tables.find((t) => t.name === "AuditEvent")!;
    expect(audit.columns.find((c) => c.name === "seq")?.default).toBe("nextval(AuditEvent_seq_seq)");
  });
});

describe("normaliseDefault", () => {
  it.each([
    ["'-1'::integer", "integer", "-1"],
    ["'-5'::integer", "bigint", "-5"],
    ["1.50", "numeric(65,30)", "1.5"],
    ["'1000'::numeric", "double precision", "1000"],
    ["'generic'::text", "text", "'generic'"],
    ["'x'::character varying", "character varying(10)", "'x'"],
    [`'{"b": 1, "a": 2}'::jsonb`, "jsonb", `'{"a":2,"b":1}'`],
    ["now()", "timestamp(3) with time zone", "CURRENT_TIMESTAMP"],
    [`nextval('"AuditEvent_seq_seq"'::regclass)`, "bigint", "nextval(AuditEvent_seq_seq)"],
    ["gen_random_uuid()", "uuid", "gen_random_uuid()"],
  ])("%s on %s → %s", (expr, type, out) => {
    expect(normaliseDefault(expr, type)).toBe(out);
  });
});
