// The contract and repository inputs, as the admin routes, /api/v1 (and its OpenAPI document) and
// the CSV import validate them.
import { z } from "zod";
import { CONFIDENTIALITIES } from "@/lib/access/levels";
import { endOfDay, startOfDay } from "@/lib/calendar-date";
import { getConfig } from "@/lib/config";

export const CONTRACT_STATUSES = ["draft", "active", "suspended", "expired", "terminated", "archived"] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** Bulk upserts per call: large enough for a nightly sync page, small enough for one transaction. */
export const MAX_BULK_ITEMS = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

// Control characters would make references unprintable in lists and CSV exports.
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

export const externalRefSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200)
  .regex(NO_CONTROL, "must not contain control characters")
  .describe("The contract system's own identifier of the contract (unique)");

/** A date input as stored: the instant the engine compares and, when date-only, the day as written. */
export interface DatedValue {
  at: Date;
  day: string | null;
}

/**
 * A calendar date (YYYY-MM-DD, a day in ACCESS_TIME_ZONE) or an RFC 3339 date-time with offset.
 * `edge` says which instant a day stands for: its first ("start") or the first after it ("end":
 * an end date is inclusive, access runs through that day).
 */
const datedInput = (edge: "start" | "end") =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "must be a date (YYYY-MM-DD) or an ISO 8601 date-time" })
    .transform((v): DatedValue => {
      if (v.length > 10) return { at: new Date(v), day: null };
      const zone = getConfig().ACCESS_TIME_ZONE;
      return { at: edge === "start" ? startOfDay(v, zone) : endOfDay(v, zone), day: v };
    });

export const startDateInput = datedInput("start");
export const endDateInput = datedInput("end");

const text = (max: number) => z.string().trim().max(max).regex(NO_CONTROL, "must not contain control characters");
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const confidentialitySchema = z.enum(CONFIDENTIALITIES);

const contractFields = {
  title: text(500).min(1, "is required"),
  counterparty: optionalText(500),
  contractType: text(100).min(1, "is required").describe("Free-form type, e.g. NDA, MSA, DPA; rules match it exactly"),
  confidentiality: confidentialitySchema.default("internal"),
  status: z.enum(CONTRACT_STATUSES).default("active"),
  effectiveDate: startDateInput.nullish().describe("When the contract takes effect: a date (YYYY-MM-DD, in ACCESS_TIME_ZONE) or an instant"),
  endDate: endDateInput
    .nullish()
    .describe("When the contract ends: a date (YYYY-MM-DD) is inclusive — access through rules runs through that day in ACCESS_TIME_ZONE (plus a rule's grace days) — or an instant (exclusive)"),
  owner: optionalText(200),
  tags: z.array(text(100).min(1)).max(50).default([]),
  repositoryId: z.string().regex(UUID, "must be a repository id").optional().describe("The repository, by id …"),
  repository: text(200).min(1).optional().describe("… or by its unique name"),
};

type RefinableContract = {
  repositoryId?: string;
  repository?: string;
  effectiveDate?: DatedValue | null;
  endDate?: DatedValue | null;
};

function refineContract(value: RefinableContract, ctx: z.RefinementCtx) {
  if (value.repositoryId === undefined && value.repository === undefined) {
    ctx.addIssue({ code: "custom", path: ["repository"], message: "is required (a repository name, or repositoryId)" });
  }
  if (value.repositoryId !== undefined && value.repository !== undefined) {
    ctx.addIssue({ code: "custom", path: ["repository"], message: "give repository (name) or repositoryId, not both" });
  }
  if (value.effectiveDate && value.endDate && value.endDate.at < value.effectiveDate.at) {
    ctx.addIssue({ code: "custom", path: ["endDate"], message: "must not be before effectiveDate" });
  }
}

/** Body of PUT /api/v1/contracts/{externalRef}: the whole contract (omitted optional fields are cleared). */
export const contractBody = z.object(contractFields).strict().superRefine(refineContract);

/** One item of a bulk upsert (and one CSV row): the body plus its external reference. */
export const contractItem = z
  .object({ externalRef: externalRefSchema, ...contractFields })
  .strict()
  .superRefine(refineContract);

export const bulkContractsBody = z.object({
  items: z.array(z.unknown()).min(1, "at least one item").max(MAX_BULK_ITEMS, `at most ${MAX_BULK_ITEMS} items per call`),
});

/** UI create: external reference optional (contracts created by hand may have none). */
export const createContractInput = z
  .object({ externalRef: externalRefSchema.nullish(), ...contractFields })
  .strict()
  .superRefine(refineContract);

/** UI edit: only the fields given change; null clears an optional field. */
export const updateContractInput = z
  .object({
    externalRef: externalRefSchema.nullable().optional(),
    title: contractFields.title.optional(),
    counterparty: optionalText(500).optional(),
    contractType: contractFields.contractType.optional(),
    confidentiality: confidentialitySchema.optional(),
    status: z.enum(CONTRACT_STATUSES).optional(),
    effectiveDate: startDateInput.nullable().optional(),
    endDate: endDateInput.nullable().optional(),
    owner: optionalText(200).optional(),
    tags: contractFields.tags.optional(),
    repositoryId: contractFields.repositoryId,
    repository: contractFields.repository,
  })
  .strict();

export const repositoryInput = z
  .object({
    name: text(200).min(1, "is required"),
    description: optionalText(2000),
    owner: optionalText(200),
  })
  .strict();

export const updateRepositoryInput = repositoryInput.partial().strict();

export const listContractsInput = z.object({
  repositoryId: z.string().regex(UUID).optional(),
  contractType: z.string().trim().min(1).max(100).optional(),
  confidentiality: confidentialitySchema.optional(),
  status: z.enum(CONTRACT_STATUSES).optional(),
  q: z.string().trim().min(1).max(200).optional(),
});
