// Discovery documents (RFC 7644 §4, RFC 7643 §5–7), generated from the same schema definitions
// that drive validation and serialisation, advertising exactly what this server implements.
import {
  RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA, resourceTypes, schemas, type SchemaDef,
} from "./schema";
import { MAX_RESULTS } from "./list";
import { MAX_PATCH_MEMBER_VALUES } from "./group-member-patch";
import { MAX_PATCH_OPERATIONS } from "./patch";

/**
 * Limits RFC 7643 §5 has no attribute for, in a namespaced extension of the configuration (as
 * its `schemas` lists it): how many operations one PATCH, and how many member values one Group
 * PATCH, may carry.
 */
export const LIMITS_EXTENSION = "urn:custodian:params:scim:schemas:extension:limits:2.0:ServiceProviderConfig";

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA, LIMITS_EXTENSION],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, "")}/docs/scim`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A directory's bearer token, or an access token from POST /scim/v2/oauth/token (client credentials)",
        specUri: "https://www.rfc-editor.org/rfc/rfc6750",
        primary: true,
      },
    ],
    [LIMITS_EXTENSION]: { patch: { maxOperations: MAX_PATCH_OPERATIONS, maxMemberValues: MAX_PATCH_MEMBER_VALUES } },
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeDocument(id: keyof typeof resourceTypes, baseUrl: string) {
  const rt = resourceTypes[id];
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: rt.id,
    name: rt.name,
    description: rt.description,
    endpoint: rt.endpoint,
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/${rt.id}` },
  };
}

export function schemaDocument(schema: SchemaDef, baseUrl: string) {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export const allResourceTypeIds = Object.keys(resourceTypes) as (keyof typeof resourceTypes)[];
export const allSchemas = schemas;
