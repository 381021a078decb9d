// SCIM schema definitions (RFC 7643 §7, §8.7). They drive input validation (normalize-resource.ts),
// PATCH (patch.ts), projection and the discovery endpoints (/Schemas, /ResourceTypes), so the
// attribute characteristics below are the single source of truth for mutability, `returned`,
// case sensitivity and types.
import type { AttrPath } from "./filter/ast";

export type AttrType =
  "string" | "boolean" | "decimal" | "integer" | "dateTime" | "reference" | "complex" | "binary";

export interface AttributeDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned: "always" | "never" | "default" | "request";
  uniqueness: "none" | "server" | "global";
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

export type ResourceTypeName = "User" | "Group";

export interface ResourceTypeDef {
  id: ResourceTypeName;
  name: ResourceTypeName;
  description: string;
  endpoint: string;
  schema: string;
  schemaExtensions: Array<{ schema: string; required: boolean }>;
}

export interface ResolvedAttribute {
  /** Canonical URN of the schema the attribute belongs to (common attributes: the core URN). */
  schemaUrn: string;
  def: AttributeDef;
  sub?: AttributeDef;
}

// Resource schemas (RFC 7643 §8.2 / §4.3).
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
// Protocol messages (RFC 7644 §3.4.2, §3.4.3, §3.5.2, §3.12).
export const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
// Discovery schemas (RFC 7643 §8.7.2), for the /ServiceProviderConfig, /ResourceTypes and
// /Schemas responses.
export const SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
export const RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
export const SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

type AttrOptions = Partial<Omit<AttributeDef, "name" | "type" | "description">>;

function attr(name: string, type: AttrType, description: string, options: AttrOptions = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    // RFC 7643 §2.3.6: binary values are compared exactly (errata 6000 for x509Certificates).
    caseExact: type === "binary",
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...options,
  };
}

/**
 * The value/display/type/primary quartet shared by most multi-valued attributes
 * (RFC 7643 §2.4).
 */
function multiValuedSubs(
  what: string,
  typeValues: string[],
  valueOptions: { type?: AttrType; referenceTypes?: string[] } = {},
): AttributeDef[] {
  const valueType = valueOptions.type ?? "string";
  return [
    attr(
      "value",
      valueType,
      `The value of the ${what}.`,
      valueOptions.referenceTypes ? { referenceTypes: valueOptions.referenceTypes } : {},
    ),
    attr("display", "string", `A human-readable name, primarily used for display purposes. READ-ONLY.`),
    attr(
      "type",
      "string",
      `A label indicating the ${what}'s function.`,
      typeValues.length > 0 ? { canonicalValues: typeValues } : {},
    ),
    attr(
      "primary",
      "boolean",
      `A Boolean value indicating the 'primary' or preferred ${what} for this User. The primary attribute value 'true' MUST appear no more than once.`,
    ),
  ];
}

function multiValued(
  name: string,
  description: string,
  subAttributes: AttributeDef[],
  options: AttrOptions = {},
): AttributeDef {
  return attr(name, "complex", description, { multiValued: true, subAttributes, ...options });
}

// RFC 7643 §3.1: part of every resource, defined by the service provider.
export const commonAttributes: AttributeDef[] = [
  attr("id", "string", "A unique identifier for a SCIM resource as defined by the service provider.", {
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    uniqueness: "server",
  }),
  attr(
    "externalId",
    "string",
    "A String that is an identifier for the resource as defined by the provisioning client.",
    {
      caseExact: true,
    },
  ),
  attr("meta", "complex", "A complex attribute containing resource metadata.", {
    mutability: "readOnly",
    subAttributes: [
      attr("resourceType", "string", "The name of the resource type of the resource.", {
        caseExact: true,
        mutability: "readOnly",
      }),
      attr("created", "dateTime", "The DateTime that the resource was added to the service provider.", {
        mutability: "readOnly",
      }),
      attr(
        "lastModified",
        "dateTime",
        "The most recent DateTime that the details of this resource were updated at the service provider.",
        { mutability: "readOnly" },
      ),
      attr("location", "reference", "The URI of the resource being returned.", {
        caseExact: true,
        mutability: "readOnly",
        referenceTypes: ["uri"],
      }),
      attr("version", "string", "The version of the resource being returned.", {
        caseExact: true,
        mutability: "readOnly",
      }),
    ],
  }),
];

export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: "User",
  description: "User Account",
  attributes: [
    // RFC 7643 §8.7.1 says returned "default"; we return it always so that any `attributes=`
    // projection still identifies the account (Entra and Okta match on userName).
    attr(
      "userName",
      "string",
      "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. REQUIRED.",
      {
        required: true,
        returned: "always",
        uniqueness: "server",
      },
    ),
    attr("name", "complex", "The components of the user's real name.", {
      subAttributes: [
        attr(
          "formatted",
          "string",
          "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.",
        ),
        attr("familyName", "string", "The family name of the User, or last name in most Western languages."),
        attr("givenName", "string", "The given name of the User, or first name in most Western languages."),
        attr("middleName", "string", "The middle name(s) of the User."),
        attr(
          "honorificPrefix",
          "string",
          "The honorific prefix(es) of the User, or title in most Western languages.",
        ),
        attr(
          "honorificSuffix",
          "string",
          "The honorific suffix(es) of the User, or suffix in most Western languages.",
        ),
      ],
    }),
    attr("displayName", "string", "The name of the User, suitable for display to end-users."),
    attr("nickName", "string", "The casual way to address the user in real life."),
    attr(
      "profileUrl",
      "reference",
      "A fully qualified URL pointing to a page representing the User's online profile.",
      {
        referenceTypes: ["external"],
      },
    ),
    attr("title", "string", 'The user\'s title, such as "Vice President".'),
    attr("userType", "string", "Used to identify the relationship between the organization and the user."),
    attr(
      "preferredLanguage",
      "string",
      "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language format).",
    ),
    attr(
      "locale",
      "string",
      "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations.",
    ),
    attr(
      "timezone",
      "string",
      "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'.",
    ),
    attr("active", "boolean", "A Boolean value indicating the User's administrative status."),
    attr("password", "string", "The User's cleartext password. Never returned; only its hash is stored.", {
      mutability: "writeOnly",
      returned: "never",
    }),
    multiValued(
      "emails",
      "Email addresses for the user.",
      multiValuedSubs("e-mail address", ["work", "home", "other"]),
    ),
    multiValued(
      "phoneNumbers",
      "Phone numbers for the User.",
      multiValuedSubs("phone number", ["work", "home", "mobile", "fax", "pager", "other"]),
    ),
    multiValued(
      "ims",
      "Instant messaging addresses for the User.",
      multiValuedSubs("instant messaging address", [
        "aim",
        "gtalk",
        "icq",
        "xmpp",
        "msn",
        "skype",
        "qq",
        "yahoo",
      ]),
    ),
    multiValued(
      "photos",
      "URLs of photos of the User.",
      multiValuedSubs("photo", ["photo", "thumbnail"], { type: "reference", referenceTypes: ["external"] }),
    ),
    multiValued("addresses", "A physical mailing address for this User.", [
      attr(
        "formatted",
        "string",
        "The full mailing address, formatted for display or use with a mailing label.",
      ),
      attr(
        "streetAddress",
        "string",
        "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.",
      ),
      attr("locality", "string", "The city or locality component."),
      attr("region", "string", "The state or region component."),
      attr("postalCode", "string", "The zip code or postal code component."),
      attr("country", "string", "The country name component (ISO 3166-1 alpha-2)."),
      attr("type", "string", "A label indicating the address's function.", {
        canonicalValues: ["work", "home", "other"],
      }),
      // Listed in RFC 7643 §4.1.2 but missing from the §8.7.1 representation.
      attr("primary", "boolean", "A Boolean value indicating the 'primary' or preferred address."),
    ]),
    multiValued(
      "groups",
      "A list of groups to which the user belongs, either through direct membership or through nested groups.",
      [
        attr("value", "string", "The identifier of the User's group.", {
          caseExact: true,
          mutability: "readOnly",
        }),
        attr(
          "$ref",
          "reference",
          "The URI of the corresponding 'Group' resource to which the user belongs.",
          {
            caseExact: true,
            mutability: "readOnly",
            referenceTypes: ["User", "Group"],
          },
        ),
        attr("display", "string", "A human-readable name, primarily used for display purposes.", {
          mutability: "readOnly",
        }),
        attr("type", "string", "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", {
          mutability: "readOnly",
          canonicalValues: ["direct", "indirect"],
        }),
      ],
      { mutability: "readOnly" },
    ),
    multiValued(
      "entitlements",
      "A list of entitlements for the User that represent a thing the User has.",
      multiValuedSubs("entitlement", []),
    ),
    multiValued(
      "roles",
      "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
      multiValuedSubs("role", []),
    ),
    multiValued(
      "x509Certificates",
      "A list of certificates issued to the User.",
      multiValuedSubs("X.509 certificate", [], { type: "binary" }),
    ),
  ],
};

export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    attr(
      "employeeNumber",
      "string",
      "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.",
    ),
    attr("costCenter", "string", "Identifies the name of a cost center."),
    attr("organization", "string", "Identifies the name of an organization."),
    attr("division", "string", "Identifies the name of a division."),
    attr("department", "string", "Identifies the name of a department."),
    attr("manager", "complex", "The User's manager.", {
      subAttributes: [
        // An id, so compared exactly even though RFC 7643 §8.7.1 leaves caseExact false.
        attr("value", "string", "The id of the SCIM resource representing the User's manager.", {
          caseExact: true,
        }),
        attr("$ref", "reference", "The URI of the SCIM resource representing the User's manager.", {
          caseExact: true,
          referenceTypes: ["User"],
        }),
        attr("displayName", "string", "The displayName of the User's manager.", { mutability: "readOnly" }),
      ],
    }),
  ],
};

export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: "Group",
  description: "Group",
  attributes: [
    // RFC 7643 §4.2 calls displayName REQUIRED (the §8.7.1 listing says false; errata).
    attr("displayName", "string", "A human-readable name for the Group. REQUIRED.", { required: true }),
    multiValued("members", "A list of members of the Group.", [
      // Member ids are resource ids: case-sensitive (RFC 7643 §3.1).
      attr("value", "string", "Identifier of the member of this Group.", {
        caseExact: true,
        mutability: "immutable",
      }),
      attr("$ref", "reference", "The URI corresponding to a SCIM resource that is a member of this Group.", {
        caseExact: true,
        mutability: "immutable",
        referenceTypes: ["User", "Group"],
      }),
      attr("display", "string", "A human-readable name, primarily used for display purposes.", {
        mutability: "readOnly",
      }),
      attr("type", "string", "A label indicating the type of resource, e.g., 'User' or 'Group'.", {
        mutability: "immutable",
        canonicalValues: ["User", "Group"],
      }),
    ]),
  ],
};

export const schemas: SchemaDef[] = [userSchema, enterpriseUserSchema, groupSchema];

export const resourceTypes: Record<ResourceTypeName, ResourceTypeDef> = {
  User: {
    id: "User",
    name: "User",
    description: "User Account",
    endpoint: "/Users",
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
  },
  Group: {
    id: "Group",
    name: "Group",
    description: "Group",
    endpoint: "/Groups",
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
  },
};

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
// Shared, process-wide definitions: a caller mutating them would corrupt every request.
deepFreeze(commonAttributes);
deepFreeze(schemas);
deepFreeze(resourceTypes);

const schemaById = new Map(schemas.map((s) => [s.id.toLowerCase(), s]));

/** Schema definition by URN, case-insensitively (RFC 7643 §2.1 applies to URNs here too). */
export function getSchema(urn: string): SchemaDef | undefined {
  return schemaById.get(urn.toLowerCase());
}

const coreSchemas: Record<ResourceTypeName, SchemaDef> = { User: userSchema, Group: groupSchema };

export function coreSchemaOf(resourceType: ResourceTypeName): SchemaDef {
  return coreSchemas[resourceType];
}

export function extensionSchemasOf(resourceType: ResourceTypeName): SchemaDef[] {
  return resourceTypes[resourceType].schemaExtensions
    .map((e) => getSchema(e.schema))
    .filter((s): s is SchemaDef => s !== undefined);
}

/** Core schema first, then extensions, in resolution order. */
export function schemasOf(resourceType: ResourceTypeName): SchemaDef[] {
  return [coreSchemaOf(resourceType), ...extensionSchemasOf(resourceType)];
}

/** AttrPath without `undefined`-valued keys (for exactOptionalPropertyTypes). */
export function attrPath(schema: string | undefined, attr: string, subAttr?: string): AttrPath {
  const path: AttrPath = { attr };
  if (schema !== undefined) path.schema = schema;
  if (subAttr !== undefined) path.subAttr = subAttr;
  return path;
}

/** Canonical URN of an extension schema of this resource type, matched case-insensitively. */
export function findExtensionUrn(resourceType: ResourceTypeName, urn: string): string | undefined {
  const lower = urn.toLowerCase();
  return resourceTypes[resourceType].schemaExtensions.find((e) => e.schema.toLowerCase() === lower)?.schema;
}

/** Attribute (or sub-attribute) by name, case-insensitively (RFC 7643 §2.1). */
export function findAttribute(
  attributes: readonly AttributeDef[] | undefined,
  name: string,
): AttributeDef | undefined {
  if (!attributes) return undefined;
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower);
}

/**
 * Resolves an attribute path against a resource type's schemas. Names and URNs are
 * case-insensitive (RFC 7643 §2.1); unqualified names are looked up in the core schema, then in
 * the extensions (RFC 7644 §3.10); common attributes (§3.1) belong to every resource and resolve
 * unqualified or qualified with the core URN.
 */
export function resolveAttribute(
  resourceType: ResourceTypeName,
  path: AttrPath,
): ResolvedAttribute | undefined {
  const own = schemasOf(resourceType);
  const core = coreSchemaOf(resourceType);
  let candidates: SchemaDef[];
  if (path.schema !== undefined) {
    const wanted = path.schema.toLowerCase();
    candidates = own.filter((s) => s.id.toLowerCase() === wanted);
    if (candidates.length === 0) return undefined;
  } else {
    candidates = own;
  }

  let found: { schemaUrn: string; def: AttributeDef } | undefined;
  if (candidates[0] === core) {
    const common = findAttribute(commonAttributes, path.attr);
    if (common) found = { schemaUrn: core.id, def: common };
  }
  for (const s of candidates) {
    if (found) break;
    const def = findAttribute(s.attributes, path.attr);
    if (def) found = { schemaUrn: s.id, def };
  }
  if (!found) return undefined;
  if (path.subAttr === undefined) return found;
  const sub = findAttribute(found.def.subAttributes, path.subAttr);
  return sub ? { ...found, sub } : undefined;
}

/**
 * Splits a name in RFC 7644 §3.10 attribute notation (`name.givenName`,
 * `urn:…:enterprise:2.0:User:manager.value`) into an AttrPath. Known schema URNs are matched
 * case-insensitively as a prefix, because URNs themselves contain dots (`2.0`); an unknown URN
 * is split at its last colon. Returns undefined for a bare schema URN or a malformed name.
 */
export function parseAttrName(name: string): AttrPath | undefined {
  const trimmed = name.trim();
  let schema: string | undefined;
  let rest = trimmed;
  if (trimmed.toLowerCase().startsWith("urn:")) {
    const lower = trimmed.toLowerCase();
    if (schemas.some((s) => s.id.toLowerCase() === lower)) return undefined;
    const known = schemas.find((s) => lower.startsWith(`${s.id.toLowerCase()}:`));
    if (known) {
      schema = known.id;
      rest = trimmed.slice(known.id.length + 1);
    } else {
      const colon = trimmed.lastIndexOf(":");
      schema = trimmed.slice(0, colon);
      rest = trimmed.slice(colon + 1);
    }
  }
  const [attr, subAttr, ...extra] = rest.split(".");
  const valid = (p: string | undefined) => p === undefined || /^(?:\$ref|[A-Za-z][\w-]*)$/.test(p);
  if (attr === undefined || extra.length > 0 || !valid(attr) || !valid(subAttr)) return undefined;
  return attrPath(schema, attr, subAttr);
}
