// Between database rows and SCIM documents. The SCIM document is always serialised from stored
// state (never echoed from a request), and filters resolve to the typed columns below.
import type { Group, User } from "@/lib/generated/prisma/client";
import type { AttrPath } from "./filter/ast";
import type { AttrMapping, ColumnType, JsonArraySubAttr, ResolveAttr } from "./filter/compile-sql";
import { invalidFilter, invalidValue } from "./errors";
import type { UserData } from "./user-data";
import type { ScimDoc } from "./normalize-resource";
import {
  ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, resolveAttribute, type AttributeDef, type ResourceTypeName,
} from "./schema";

export const USER_JSON_ATTRIBUTES = [
  "emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates",
] as const;
type JsonAttr = (typeof USER_JSON_ATTRIBUTES)[number];

const NAME_COLUMNS = {
  formatted: "formattedName",
  familyName: "familyName",
  givenName: "givenName",
  middleName: "middleName",
  honorificPrefix: "honorificPrefix",
  honorificSuffix: "honorificSuffix",
} as const;

const SIMPLE_USER_ATTRIBUTES = [
  "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone",
] as const;

const ENTERPRISE_COLUMNS = ["employeeNumber", "costCenter", "organization", "division", "department"] as const;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * From a normalised SCIM User document (normalizeResource / applyPatch output) to columns.
 * `password` (writeOnly, RFC 7643 §4.1.1) is accepted and discarded: Custodian never
 * authenticates anyone with it, so keeping even a hash would only be a liability.
 */
export function userDataFromDoc(doc: ScimDoc): UserData {
  const name = obj(doc.name);
  const ent = obj(doc[ENTERPRISE_USER_SCHEMA]);
  const data = {
    userName: String(doc.userName),
    externalId: str(doc.externalId),
    active: doc.active === undefined ? true : doc.active === true,
    managerId: str(obj(ent.manager).value),
  } as UserData;
  for (const a of SIMPLE_USER_ATTRIBUTES) data[a] = str(doc[a]);
  for (const [sub, column] of Object.entries(NAME_COLUMNS)) data[column] = str(name[sub]);
  for (const a of USER_JSON_ATTRIBUTES) data[a] = arr(doc[a]);
  for (const a of ENTERPRISE_COLUMNS) data[a] = str(ent[a]);
  return data;
}

/** The internal SCIM document of a stored user (no meta, no schemas, no password). */
export function userDocFromRow(row: User): ScimDoc {
  const doc: ScimDoc = { id: row.id };
  if (row.externalId !== null) doc.externalId = row.externalId;
  doc.userName = row.userName;
  const name: Record<string, unknown> = {};
  for (const [sub, column] of Object.entries(NAME_COLUMNS)) if (row[column] !== null) name[sub] = row[column];
  if (Object.keys(name).length > 0) doc.name = name;
  for (const a of SIMPLE_USER_ATTRIBUTES) if (row[a] !== null) doc[a] = row[a];
  doc.active = row.active;
  for (const a of USER_JSON_ATTRIBUTES) {
    const v = row[a as JsonAttr];
    if (Array.isArray(v) && v.length > 0) doc[a] = v;
  }
  const ent: Record<string, unknown> = {};
  for (const a of ENTERPRISE_COLUMNS) if (row[a] !== null) ent[a] = row[a];
  if (row.managerId !== null) ent.manager = { value: row.managerId };
  if (Object.keys(ent).length > 0) doc[ENTERPRISE_USER_SCHEMA] = ent;
  return doc;
}

export interface GroupRef {
  id: string;
  displayName: string;
}

export interface MemberRef {
  id: string;
  type: "User" | "Group";
  display: string | null;
}

const version = (v: number) => `W/"${v}"`;
export const etagOf = (row: { version: number }) => version(row.version);

/** Full SCIM output of a user, with schemas and meta (RFC 7643 §3.1). */
export function userToScim(row: User, options: { baseUrl: string; groups?: GroupRef[] }): ScimDoc {
  const doc = userDocFromRow(row);
  if (options.groups && options.groups.length > 0) {
    doc.groups = options.groups.map((g) => ({
      value: g.id,
      $ref: `${options.baseUrl}/Groups/${g.id}`,
      display: g.displayName,
      type: "direct",
    }));
  }
  const ent = doc[ENTERPRISE_USER_SCHEMA] as Record<string, unknown> | undefined;
  if (ent?.manager) {
    const managerId = (ent.manager as { value: string }).value;
    ent.manager = { value: managerId, $ref: `${options.baseUrl}/Users/${managerId}` };
  }
  return {
    schemas: ent ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    ...doc,
    meta: {
      resourceType: "User",
      created: row.createdAt.toISOString(),
      lastModified: row.updatedAt.toISOString(),
      location: `${options.baseUrl}/Users/${row.id}`,
      version: etagOf(row),
    },
  };
}

export function groupDocFromRow(row: Group): ScimDoc {
  const doc: ScimDoc = { id: row.id };
  if (row.externalId !== null) doc.externalId = row.externalId;
  doc.displayName = row.displayName;
  return doc;
}

export function groupToScim(row: Group, options: { baseUrl: string; members?: MemberRef[] }): ScimDoc {
  const doc: ScimDoc = { schemas: [GROUP_SCHEMA], ...groupDocFromRow(row) };
  if (options.members) {
    doc.members = options.members.map((m) => ({
      value: m.id,
      $ref: `${options.baseUrl}/${m.type === "User" ? "Users" : "Groups"}/${m.id}`,
      ...(m.display !== null ? { display: m.display } : {}),
      type: m.type,
    }));
  }
  doc.meta = {
    resourceType: "Group",
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${options.baseUrl}/Groups/${row.id}`,
    version: etagOf(row),
  };
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Filter resolution: SCIM attribute → SQL over "User" u / "Group" g.

function columnType(def: AttributeDef): ColumnType {
  switch (def.type) {
    case "boolean":
    case "dateTime":
    case "integer":
    case "decimal":
      return def.type;
    default:
      return "string";
  }
}

function jsonArrayMapping(alias: string, def: AttributeDef): AttrMapping {
  const subAttrs: Record<string, JsonArraySubAttr> = {};
  for (const sub of def.subAttributes ?? []) {
    subAttrs[sub.name.toLowerCase()] = { type: columnType(sub), caseExact: sub.caseExact, jsonKey: sub.name };
  }
  return { kind: "jsonArray", sql: `${alias}."${def.name}"`, subAttrs, defaultSubAttr: "value" };
}

const col = (sql: string, type: ColumnType, caseExact: boolean, lowercased = false): AttrMapping => ({
  kind: "column", sql, type, caseExact, lowercased,
});

function membershipExists(where: (p: string) => string, anyWhere: string, what: string): AttrMapping {
  return {
    kind: "exists",
    compile({ op, subAttr, value, param }) {
      const sub = (subAttr ?? "value").toLowerCase();
      if (op === "pr") return `EXISTS (SELECT 1 FROM "GroupMember" gm WHERE ${anyWhere})`;
      if (sub !== "value" || (op !== "eq" && op !== "ne") || typeof value !== "string") {
        throw invalidFilter(`${what} can only be filtered with "eq", "ne" or "pr" on its value`);
      }
      const exists = `EXISTS (SELECT 1 FROM "GroupMember" gm WHERE ${where(param(value))})`;
      return op === "eq" ? exists : `NOT ${exists}`;
    },
  };
}

export function filterResolver(resourceType: ResourceTypeName, alias: string): ResolveAttr {
  return (path: AttrPath) => {
    const resolved = resolveAttribute(resourceType, path);
    if (!resolved) return undefined;
    const { def, sub } = resolved;
    const name = def.name;
    if (name === "id") return col(`${alias}."id"`, "string", true);
    if (name === "externalId") return col(`${alias}."externalId"`, "string", true);
    if (name === "meta") {
      if (sub?.name === "created") return col(`${alias}."createdAt"`, "dateTime", false);
      if (sub?.name === "lastModified") return col(`${alias}."updatedAt"`, "dateTime", false);
      if (sub?.name === "resourceType") return undefined;
      return undefined;
    }
    if (resourceType === "Group") {
      if (name === "displayName") return col(`${alias}."displayNameKey"`, "string", false, true);
      if (name === "members") {
        return membershipExists(
          (p) => `gm."groupId" = ${alias}."id" AND (gm."memberUserId" = ${p} OR gm."memberGroupId" = ${p})`,
          `gm."groupId" = ${alias}."id"`,
          "members",
        );
      }
      return undefined;
    }
    if (name === "userName") return col(`${alias}."userNameKey"`, "string", false, true);
    if (name === "active") return col(`${alias}."active"`, "boolean", false);
    if (name === "password") return undefined;
    if ((SIMPLE_USER_ATTRIBUTES as readonly string[]).includes(name)) return col(`${alias}."${name}"`, "string", def.caseExact);
    if (name === "name") {
      if (!sub) return undefined;
      const column = NAME_COLUMNS[sub.name as keyof typeof NAME_COLUMNS];
      return column ? col(`${alias}."${column}"`, "string", false) : undefined;
    }
    if ((USER_JSON_ATTRIBUTES as readonly string[]).includes(name)) return jsonArrayMapping(alias, def);
    if ((ENTERPRISE_COLUMNS as readonly string[]).includes(name)) return col(`${alias}."${name}"`, "string", false);
    if (name === "manager") {
      if (sub && sub.name !== "value") return undefined;
      return col(`${alias}."managerId"`, "string", true);
    }
    if (name === "groups") {
      return membershipExists(
        (p) => `gm."memberUserId" = ${alias}."id" AND gm."groupId" = ${p}`,
        `gm."memberUserId" = ${alias}."id"`,
        "groups",
      );
    }
    return undefined;
  };
}

/** ORDER BY expression for sortBy (RFC 7644 §3.4.2.3); only single-valued attributes sort. */
export function sortColumn(resourceType: ResourceTypeName, alias: string, sortBy: string, parse: (s: string) => AttrPath): string {
  const mapping = filterResolver(resourceType, alias)(parse(sortBy));
  if (mapping?.kind === "column") return mapping.type === "string" && !mapping.lowercased ? `lower(${mapping.sql})` : mapping.sql;
  if (mapping?.kind === "jsonArray" && resourceType === "User" && mapping.sql.endsWith('"emails"')) return `${alias}."primaryEmail"`;
  throw invalidValue(`sortBy "${sortBy}" is not a sortable attribute`);
}

