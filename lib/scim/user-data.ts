// The data of a user as the users domain stores it: the writable, SCIM-derived columns, the
// columns derived from them, and what the audit trail shows. SCIM maps its documents to this shape
// (lib/scim/mapping.ts); the users domain does not know SCIM.
import type { User } from "@/lib/generated/prisma/client";

/** The writable, SCIM-derived columns of a user. */
export interface UserData {
  userName: string;
  externalId: string | null;
  active: boolean;
  displayName: string | null;
  nickName: string | null;
  profileUrl: string | null;
  title: string | null;
  userType: string | null;
  preferredLanguage: string | null;
  locale: string | null;
  timezone: string | null;
  formattedName: string | null;
  familyName: string | null;
  givenName: string | null;
  middleName: string | null;
  honorificPrefix: string | null;
  honorificSuffix: string | null;
  emails: unknown[];
  phoneNumbers: unknown[];
  ims: unknown[];
  photos: unknown[];
  addresses: unknown[];
  entitlements: unknown[];
  roles: unknown[];
  x509Certificates: unknown[];
  employeeNumber: string | null;
  costCenter: string | null;
  organization: string | null;
  division: string | null;
  department: string | null;
  managerId: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function primaryOrFirst(values: unknown[]): Record<string, unknown> | undefined {
  const objects = values.map(obj);
  return objects.find((v) => v.primary === true) ?? objects[0];
}

/** Derived columns the product searches on. */
export function derivedUserColumns(data: UserData) {
  const email = str(primaryOrFirst(data.emails)?.value);
  return {
    userNameKey: data.userName.toLowerCase(),
    primaryEmail: email ? email.toLowerCase() : null,
    country: str(primaryOrFirst(data.addresses)?.country),
  };
}

// Every SCIM-derived column: the audit diff must show whatever a write changed (a PATCH of
// phoneNumbers or costCenter alone is still a change someone may have to explain).
export const USER_DATA_KEYS = [
  "userName", "externalId", "active", "displayName", "nickName", "profileUrl", "title", "userType",
  "preferredLanguage", "locale", "timezone", "formattedName", "familyName", "givenName", "middleName",
  "honorificPrefix", "honorificSuffix", "emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements",
  "roles", "x509Certificates", "employeeNumber", "costCenter", "organization", "division", "department",
  "managerId",
] as const satisfies readonly (keyof UserData)[];

/** What the audit trail shows of a user: its SCIM data, unassigned values omitted (no derived columns, nothing secret). */
export function userSnapshot(u: Pick<User, keyof UserData>): Record<string, unknown> {
  return Object.fromEntries(
    USER_DATA_KEYS.map((k) => [k, u[k]] as const).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}

