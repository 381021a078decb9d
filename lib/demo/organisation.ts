// The demo organisation (`npm run demo`): a realistic company loaded through the real code paths,
// with 90 days of back-dated history. Users and groups arrive through the SCIM handler (in
// process, real Request objects, each directory's own bearer token; Entra ID-style requests for
// employees, Okta-style for partners); repositories and contracts through the contract service;
// rules through the rule service; dashboard roles through the role service. Back-dating uses the
// application clock (lib/clock.ts runAt), so the audit trail, membership and status history,
// contract revisions, rule versions and timed effects are the ones normal operation would write.
//
// Deterministic: every choice comes from a seeded PRNG and fixed name lists (dates are offsets
// from the moment of loading; ids are the services' own). Idempotent: the last step records a
// `demo.loaded` audit event; a later run finds it and loads nothing.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { recordAuditEvent, type Actor } from "@/lib/audit/record";
import { createAccount } from "@/lib/auth/accounts";
import { runAt } from "@/lib/clock";
import { createRepository, saveContracts, updateContract, type ContractData } from "@/lib/contracts/service";
import { createDirectory, createScimToken } from "@/lib/directories/service";
import { confidentialityRank, type Confidentiality, type Level } from "@/lib/access/levels";
import { runMaintenanceOnce } from "@/lib/jobs/maintenance";
import { assignRole } from "@/lib/roles/service";
import { closeCampaign, createDefinition, decideItems, setRepositoryOwners, startCampaign } from "@/lib/reviews/service";
import { createRule, deleteRule, updateRule } from "@/lib/rules/service";
import { handleScimRequest } from "@/lib/scim/router";
import { flushRequestLog } from "@/lib/scim/request-log";
import type { Role } from "@/lib/auth/permissions";
import { mulberry32 } from "@/lib/random";
import { demoWalls } from "./walls";

export const DEMO_MARKER_ACTION = "demo.loaded";
export const DEMO_ENTRA_DIRECTORY = "Contoso (Entra ID)";
export const DEMO_OKTA_DIRECTORY = "Partners (Okta)";
export const DEMO_ADMIN_EMAIL = "admin@demo.custodian.example";
/** The documented demo password (README, Quick start). Demo data only: never a real deployment. */
export const DEMO_ADMIN_PASSWORD = "custodian-demo-password";

export interface DemoScale {
  employees: number;
  partners: number;
  repositories: number;
  contracts: number;
  /** Length of the back-dated history. */
  days: number;
  seed: number;
}

export const DEFAULT_DEMO_SCALE: DemoScale = { employees: 400, partners: 60, repositories: 20, contracts: 2000, days: 90, seed: 1 };

export interface DemoSummary {
  loaded: boolean;
  /** Why nothing was loaded (already loaded). */
  reason?: string;
  admin: { email: string; password: string | null };
  counts?: Record<string, number>;
  seconds?: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SCIM_BASE = "http://demo.localhost/scim/v2";
const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTRA_UA = "Microsoft.Identity.Provisioning/1.0 (Custodian demo)";
const OKTA_UA = "Okta SCIM Client 1.0.0 (Custodian demo)";

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32, lib/random.ts)

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed * 2_654_435_761);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [value, w] of entries) {
      x -= w;
      if (x < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }
}

// ---------------------------------------------------------------------------------------------
// The organisation

const FIRST_NAMES = [
  "Aisha", "Alejandro", "Amelia", "Anders", "Ananya", "Arjun", "Beatriz", "Benjamin", "Camille", "Carlos", "Chen", "Chiara",
  "Daniel", "Dmitri", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Freya", "Gabriel", "Grace", "Hannah", "Haruto",
  "Ines", "Isaac", "Jakob", "Jamal", "Julia", "Kai", "Kenji", "Laila", "Lars", "Leila", "Lucas", "Maya", "Mateo",
  "Mei", "Mohammed", "Nadia", "Noah", "Olivia", "Omar", "Paula", "Priya", "Rafael", "Rosa", "Samuel", "Sara", "Sofia",
  "Tariq", "Thomas", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zara", "Zoe", "Nikolai",
];
const LAST_NAMES = [
  "Adeyemi", "Andersson", "Bauer", "Bernard", "Chen", "Costa", "Dubois", "Eriksen", "Fernandes", "Fischer", "García",
  "Gonzalez", "Hansen", "Hoffmann", "Ibrahim", "Ivanova", "Jansen", "Johnson", "Kaur", "Kim", "Kowalski", "Larsen",
  "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Müller", "Nakamura", "Nguyen", "Novak", "O'Brien", "Okafor", "Patel",
  "Petrov", "Rossi", "Santos", "Schmidt", "Silva", "Singh", "Tanaka", "Taylor", "Thompson", "Van Dijk", "Wagner",
  "Wang", "Weber", "Williams", "Yamamoto", "Zhang",
];

/** Departments → teams (weight = share of employees), with job titles. */
const DEPARTMENTS: { name: string; costCenter: string; teams: [string, number][]; titles: string[] }[] = [
  { name: "Legal", costCenter: "1100", teams: [["Legal – Commercial", 4], ["Legal – Employment", 2], ["Legal – Privacy", 2]], titles: ["Counsel", "Senior Counsel", "Paralegal", "Legal Operations Specialist"] },
  { name: "Finance", costCenter: "1200", teams: [["Finance – Accounting", 4], ["Finance – Treasury", 2], ["Finance – Tax", 2]], titles: ["Accountant", "Financial Analyst", "Controller", "Treasury Analyst"] },
  { name: "Procurement", costCenter: "1300", teams: [["Procurement – Vendor Management", 3], ["Procurement – Sourcing", 2]], titles: ["Buyer", "Category Manager", "Vendor Manager"] },
  { name: "Sales", costCenter: "2100", teams: [["Sales – EMEA", 6], ["Sales – Americas", 6], ["Sales – APAC", 4]], titles: ["Account Executive", "Sales Manager", "Sales Operations Analyst"] },
  { name: "Engineering", costCenter: "3100", teams: [["Engineering – Platform", 7], ["Engineering – Product", 7]], titles: ["Software Engineer", "Senior Engineer", "Engineering Manager"] },
  { name: "Human Resources", costCenter: "4100", teams: [["HR – People Operations", 3], ["HR – Recruiting", 2]], titles: ["HR Business Partner", "Recruiter", "People Operations Specialist"] },
  { name: "Operations", costCenter: "5100", teams: [["Operations – Facilities", 2], ["Operations – IT", 4]], titles: ["Facilities Manager", "IT Administrator", "Operations Analyst"] },
  { name: "Executive", costCenter: "9000", teams: [["Executive – Leadership", 1]], titles: ["Vice President", "Chief Operating Officer", "Director"] },
];
const ALL_STAFF = "All Staff";
/** Cross-functional groups (direct members) and the dashboard roles some of them hold. */
const CROSS_GROUPS = ["Contract Managers", "Signatories", "Custodian Admins", "Custodian Compliance", "Custodian Auditors"];
const ROLE_GROUPS: [string, Role][] = [["Custodian Admins", "admin"], ["Custodian Compliance", "compliance"], ["Custodian Auditors", "auditor"]];

const PARTNER_COMPANIES: { name: string; domain: string; repositories: string[] }[] = [
  { name: "Fabrikam Law LLP", domain: "fabrikamlaw.example", repositories: ["Litigation Holds", "Customer Agreements"] },
  { name: "Adatum Audit", domain: "adatum-audit.example", repositories: ["Financing & Loans", "Insurance Policies"] },
  { name: "Northwind Traders", domain: "northwind.example", repositories: ["Supplier Agreements"] },
  { name: "Litware Consulting", domain: "litware.example", repositories: ["Consulting SOWs"] },
  { name: "Tailspin Logistics", domain: "tailspin.example", repositories: ["Logistics Contracts"] },
  { name: "Woodgrove Advisory", domain: "woodgrove.example", repositories: ["M&A Project Falcon"] },
  { name: "Proseware Translations", domain: "proseware.example", repositories: ["Marketing Agreements"] },
  { name: "Lucerne Patent Attorneys", domain: "lucerne-ip.example", repositories: ["IP & Patents"] },
];
const PARTNERS_ALL = "Partners – All";
const partnerGroup = (company: string) => `Partner – ${company}`;
const PARTNER_TITLES = ["External Counsel", "Auditor", "Consultant", "Account Manager", "Paralegal", "Advisor"];

const COUNTERPARTIES = [
  "Acme Corporation", "Globex", "Initech", "Umbrella Holdings", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay Industries",
  "Soylent", "Cyberdyne Systems", "Tyrell Corporation", "Wonka Industries", "Gringotts Bank", "Oscorp", "Massive Dynamic", "Pied Piper",
  "Blue Sun", "Aperture Science", "Black Mesa", "Monarch Solutions", "Contoso Pharmaceuticals", "Fourth Coffee", "Alpine Ski House",
  "Coho Winery", "Trey Research", "Wide World Importers", "Margie's Travel", "Relecloud", "VanArsdel", "Humongous Insurance",
];

interface RepositorySpec {
  name: string;
  description: string;
  owner: string;
  weight: number;
  types: string[];
  /** Confidentiality weights: public, internal, confidential, strictly confidential. */
  confidentiality: [number, number, number, number];
  /** Group rules: group, level, contract types (empty = all), ceiling, grace days, justification. */
  rules: { group: string; level: Level; types?: string[]; ceiling?: Confidentiality; grace?: number; why: string }[];
}

const REPOSITORIES: RepositorySpec[] = [
  {
    name: "Customer Agreements", description: "MSAs, order forms and SOWs with customers", owner: "Legal – Commercial", weight: 14,
    types: ["MSA", "Order Form", "SOW", "NDA"], confidentiality: [0, 5, 4, 1],
    rules: [
      { group: "Legal – Commercial", level: "edit", why: "Commercial legal drafts and maintains customer agreements" },
      { group: "Sales", level: "view", types: ["MSA", "Order Form", "SOW"], ceiling: "confidential", grace: 30, why: "Sales needs customer terms for renewals and upsell (INC-2291)" },
      { group: "Signatories", level: "sign", ceiling: "confidential", why: "Authorised signatories per the signature policy SP-4" },
      { group: "Finance – Accounting", level: "view", types: ["Order Form"], why: "Revenue recognition needs order forms" },
    ],
  },
  {
    name: "Supplier Agreements", description: "Supply and purchase agreements", owner: "Procurement – Vendor Management", weight: 12,
    types: ["Supply", "MSA", "NDA", "Purchase Order"], confidentiality: [0, 6, 3, 1],
    rules: [
      { group: "Procurement", level: "edit", why: "Procurement owns supplier contracting" },
      { group: "Legal – Commercial", level: "comment", why: "Legal reviews supplier paper" },
      { group: "Finance – Accounting", level: "view", types: ["Supply", "Purchase Order"], ceiling: "confidential", why: "Accounts payable matches invoices to contract terms" },
      { group: "Signatories", level: "sign", ceiling: "confidential", why: "Authorised signatories per the signature policy SP-4" },
    ],
  },
  {
    name: "Employment Contracts", description: "Employment agreements and amendments", owner: "HR – People Operations", weight: 10,
    types: ["Employment", "Amendment", "Settlement"], confidentiality: [0, 0, 6, 4],
    rules: [
      { group: "HR – People Operations", level: "edit", why: "People Operations administers employment contracts" },
      { group: "Legal – Employment", level: "edit", why: "Employment counsel drafts and negotiates" },
      { group: "HR – Recruiting", level: "view", types: ["Employment"], ceiling: "confidential", why: "Recruiters prepare offers from current templates" },
    ],
  },
  {
    name: "Real Estate Leases", description: "Office and warehouse leases", owner: "Operations – Facilities", weight: 3,
    types: ["Lease", "Amendment"], confidentiality: [0, 4, 5, 1],
    rules: [
      { group: "Operations – Facilities", level: "edit", why: "Facilities manages the lease portfolio" },
      { group: "Finance – Treasury", level: "view", grace: 90, why: "Lease accounting (IFRS 16) needs lease terms" },
    ],
  },
  {
    name: "NDAs", description: "Mutual and one-way non-disclosure agreements", owner: "Legal – Commercial", weight: 12,
    types: ["NDA"], confidentiality: [1, 7, 2, 0],
    rules: [
      { group: ALL_STAFF, level: "view", ceiling: "internal", why: "Everyone may check whether an NDA is in place before a meeting" },
      { group: "Legal", level: "edit", why: "Legal issues and tracks NDAs" },
      { group: "Sales", level: "comment", ceiling: "internal", why: "Sales requests NDAs for prospects" },
    ],
  },
  {
    name: "Data Processing Agreements", description: "DPAs and standard contractual clauses", owner: "Legal – Privacy", weight: 6,
    types: ["DPA", "SCC"], confidentiality: [0, 5, 5, 0],
    rules: [
      { group: "Legal – Privacy", level: "manage", why: "Privacy team is accountable for DPAs (GDPR Art. 28)" },
      { group: "Operations – IT", level: "view", why: "IT security checks sub-processor obligations" },
      { group: "Engineering – Platform", level: "view", types: ["DPA"], ceiling: "internal", why: "Platform engineers implement data residency commitments" },
    ],
  },
  {
    name: "Partner Agreements", description: "Reseller, referral and alliance agreements", owner: "Sales – EMEA", weight: 5,
    types: ["Reseller", "Referral", "NDA"], confidentiality: [0, 5, 4, 1],
    rules: [
      { group: "Sales", level: "view", ceiling: "confidential", why: "Channel sales works with partner terms" },
      { group: "Legal – Commercial", level: "edit", why: "Commercial legal maintains partner agreements" },
    ],
  },
  {
    name: "Software Licences", description: "Inbound software and SaaS licences", owner: "Operations – IT", weight: 7,
    types: ["Licence", "Subscription", "Order Form"], confidentiality: [0, 7, 3, 0],
    rules: [
      { group: "Operations – IT", level: "edit", why: "IT manages software licences and renewals" },
      { group: "Engineering", level: "view", types: ["Licence"], ceiling: "internal", why: "Engineers check licence terms of the tools they use" },
      { group: "Procurement – Sourcing", level: "comment", why: "Sourcing negotiates renewals" },
    ],
  },
  {
    name: "Board & Corporate", description: "Board resolutions, shareholder agreements, corporate records", owner: "Executive – Leadership", weight: 2,
    types: ["Resolution", "Shareholder Agreement", "Articles"], confidentiality: [0, 1, 4, 5],
    rules: [
      { group: "Executive – Leadership", level: "manage", why: "Leadership owns corporate records" },
      { group: "Legal", level: "view", ceiling: "confidential", why: "Company secretariat support" },
    ],
  },
  {
    name: "M&A Project Falcon", description: "Acquisition of a competitor (code name Falcon)", owner: "Executive – Leadership", weight: 2,
    types: ["LOI", "SPA", "NDA", "Disclosure Letter"], confidentiality: [0, 0, 3, 7],
    rules: [
      { group: "Executive – Leadership", level: "edit", why: "Deal team (board approval BR-2024-07)" },
      { group: "Finance – Treasury", level: "view", types: ["LOI", "SPA"], why: "Deal financing" },
    ],
  },
  {
    name: "Litigation Holds", description: "Documents under legal hold", owner: "Legal – Commercial", weight: 2,
    types: ["Settlement", "Hold Notice", "MSA"], confidentiality: [0, 0, 4, 6],
    rules: [{ group: "Legal", level: "view", why: "Legal manages holds; content is read-only while on hold" }],
  },
  {
    name: "Insurance Policies", description: "Corporate insurance programme", owner: "Finance – Treasury", weight: 2,
    types: ["Policy", "Endorsement"], confidentiality: [0, 6, 4, 0],
    rules: [
      { group: "Finance – Treasury", level: "edit", why: "Treasury places and renews insurance" },
      { group: "Legal", level: "view", why: "Claims handling" },
    ],
  },
  {
    name: "Financing & Loans", description: "Credit facilities and loan agreements", owner: "Finance – Treasury", weight: 2,
    types: ["Loan", "Facility Agreement", "Guarantee"], confidentiality: [0, 1, 5, 4],
    rules: [
      { group: "Finance – Treasury", level: "manage", why: "Treasury owns financing" },
      { group: "Finance – Accounting", level: "view", ceiling: "confidential", why: "Covenant reporting" },
    ],
  },
  {
    name: "Regulatory Filings", description: "Licences and regulatory correspondence", owner: "Legal – Privacy", weight: 2,
    types: ["Filing", "Licence"], confidentiality: [2, 6, 2, 0],
    rules: [{ group: "Legal", level: "edit", why: "Regulatory affairs sits in Legal" }],
  },
  {
    name: "Marketing Agreements", description: "Agency, sponsorship and influencer agreements", owner: "Sales – Americas", weight: 3,
    types: ["Agency", "Sponsorship", "NDA"], confidentiality: [1, 7, 2, 0],
    rules: [
      { group: "Sales – Americas", level: "edit", why: "Marketing sits with Sales Americas" },
      { group: "Legal – Commercial", level: "comment", why: "Legal review of marketing agreements" },
    ],
  },
  {
    name: "IP & Patents", description: "Patent filings, licences and assignments", owner: "Engineering – Product", weight: 3,
    types: ["Assignment", "Licence", "Filing"], confidentiality: [0, 3, 5, 2],
    rules: [
      { group: "Engineering – Product", level: "view", ceiling: "confidential", why: "Inventors follow their filings" },
      { group: "Legal – Commercial", level: "edit", why: "IP counsel manages the portfolio" },
    ],
  },
  {
    name: "Logistics Contracts", description: "Freight, warehousing and customs brokerage", owner: "Procurement – Sourcing", weight: 4,
    types: ["Supply", "SOW", "Rate Card"], confidentiality: [0, 7, 3, 0],
    rules: [
      { group: "Procurement – Sourcing", level: "edit", why: "Sourcing contracts logistics providers" },
      { group: "Operations", level: "view", ceiling: "internal", why: "Operations plans shipments against rate cards" },
    ],
  },
  {
    name: "Consulting SOWs", description: "Statements of work with consultancies", owner: "Procurement – Vendor Management", weight: 5,
    types: ["SOW", "MSA", "Change Order"], confidentiality: [0, 6, 4, 0],
    rules: [
      { group: "Procurement – Vendor Management", level: "edit", why: "Vendor management tracks consulting spend" },
      { group: "Engineering", level: "view", types: ["SOW", "Change Order"], ceiling: "internal", grace: 14, why: "Engineering managers approve consultant deliverables" },
    ],
  },
  {
    name: "Procurement Framework", description: "Framework agreements and rate cards", owner: "Procurement – Sourcing", weight: 2,
    types: ["Framework", "Rate Card"], confidentiality: [1, 8, 1, 0],
    rules: [{ group: "Procurement", level: "edit", why: "Procurement owns framework agreements" }],
  },
  {
    name: "Policies & Templates", description: "Approved templates and contracting policies", owner: "Legal – Commercial", weight: 2,
    types: ["Template", "Policy"], confidentiality: [6, 4, 0, 0],
    rules: [
      { group: ALL_STAFF, level: "view", ceiling: "public", why: "Everyone uses the approved templates" },
      { group: "Contract Managers", level: "edit", why: "Contract managers maintain the template library" },
    ],
  },
];

/** Every contract type the demo's repositories hold (the rules' types are among them). */
export const DEMO_CONTRACT_TYPES: readonly string[] = [...new Set(REPOSITORIES.flatMap((r) => r.types))];

const TYPE_LABELS: Record<string, string> = {
  MSA: "Master Services Agreement", SOW: "Statement of Work", NDA: "Non-Disclosure Agreement", DPA: "Data Processing Agreement",
  SCC: "Standard Contractual Clauses", LOI: "Letter of Intent", SPA: "Share Purchase Agreement",
};

// ---------------------------------------------------------------------------------------------
// SCIM in process

interface ScimCaller {
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  requests: number;
}

function scimCaller(token: string, userAgent: string): ScimCaller {
  const caller: ScimCaller = {
    requests: 0,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      for (;;) {
        caller.requests++;
        const res = await handleScimRequest(
          new Request(`${SCIM_BASE}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              "user-agent": userAgent,
              ...(body !== undefined ? { "content-type": "application/scim+json" } : {}),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        );
        const text = await res.text();
        if (res.status === 429) {
          // The directory's rate limit (real clock): wait as told, like an identity provider would.
          await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? "1")));
          continue;
        }
        if (res.status >= 300) throw new Error(`SCIM ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
        return (text ? JSON.parse(text) : undefined) as T;
      }
    },
  };
  return caller;
}

const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

// ---------------------------------------------------------------------------------------------
// People

interface Person {
  key: string;
  givenName: string;
  familyName: string;
  userName: string;
  title: string;
  employeeNumber: string;
  /** Employees: team; partners: company. */
  unit: string;
  department?: string;
  costCenter?: string;
  id?: string;
  active: boolean;
}

function makePeople(rng: Random, count: number, make: (given: string, family: string, n: number) => Omit<Person, "givenName" | "familyName" | "active" | "key">) {
  const seen = new Set<string>();
  const people: Person[] = [];
  for (let n = 1; people.length < count; n++) {
    const given = rng.pick(FIRST_NAMES);
    const family = rng.pick(LAST_NAMES);
    const rest = make(given, family, n);
    let userName = rest.userName;
    for (let k = 2; seen.has(userName.toLowerCase()); k++) userName = rest.userName.replace("@", `${k}@`);
    seen.add(userName.toLowerCase());
    people.push({ ...rest, userName, givenName: given, familyName: family, active: true, key: `p${n}` });
  }
  return people;
}

const slug = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");

// ---------------------------------------------------------------------------------------------
// Loading

export interface LoadOptions {
  scale?: Partial<DemoScale>;
  /** The admin to create or keep (default: the demo admin). */
  admin?: { email: string; password?: string };
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

/**
 * Access review campaigns of the demo (issue 19): a quarterly review of two repositories by their
 * owners that carries forward what a reviewer kept unchanged last time. The previous quarter's
 * (closed) sets up the carry-forward; the completed one, a fortnight ago, has carried-forward
 * items, some revocations, and one late reviewer whose items took the default (revoke); the next
 * one is in progress, where items kept unchanged last time and opened recently carry a "keep"
 * recommendation.
 */
async function demoCampaigns(
  prisma: PrismaClient,
  options: { repositoryIds: string[]; adminActor: Actor; at: (day: number, minutes?: number) => Date; days: number },
) {
  const { adminActor, at, days } = options;
  const scope = options.repositoryIds.slice(0, 2);
  const people = await prisma.user.findMany({ where: { active: true, suspendedAt: null }, orderBy: [{ userName: "asc" }], take: 3, select: { id: true } });
  if (scope.length === 0 || people.length < 3) return;
  const [ownerA, ownerB, fallback] = people.map((p) => p.id);
  await runAt(at(Math.max(1, days - 62)), async () => {
    await setRepositoryOwners(prisma, { repositoryId: scope[0], userIds: [ownerA], actor: adminActor });
    if (scope[1]) await setRepositoryOwners(prisma, { repositoryId: scope[1], userIds: [ownerB], actor: adminActor });
  });
  const definition = await runAt(at(Math.max(1, days - 62), 10), () =>
    createDefinition(prisma, {
      input: {
        name: "Quarterly review: deal repositories",
        config: { scope: { repositoryIds: scope }, stages: [{ reviewers: "repository_owners" }], fallbackReviewerId: fallback, durationDays: 14, undecided: "revoke", carryForward: true },
      },
      actor: adminActor,
    }),
  );
  const decide = async (campaignId: string, reviewerId: string, share: number) => {
    // In a stable order (people, repositories and contracts by name), not by id: ids are random, so
    // which items were revoked — and with them the walls' readers below — changed from run to run.
    const items = await prisma.$queryRawUnsafe<{ id: string; reasons: unknown }[]>(
      `SELECT i.id, i.reasons FROM "ReviewItem" i
       LEFT JOIN "User" u ON u.id = i."userId" LEFT JOIN "Repository" r ON r.id = i."repositoryId" LEFT JOIN "Contract" c ON c.id = i."contractId"
       WHERE i."campaignId" = $1 AND i."reviewerId" = $2 AND i.decision IS NULL
       ORDER BY u."userName", r.name, c."externalRef" NULLS FIRST, i.id`,
      campaignId,
      reviewerId,
    );
    const reviewer: Actor = { type: "admin", id: reviewerId, label: `reviewer ${reviewerId.slice(0, 8)}` };
    for (const [i, item] of items.slice(0, Math.ceil(items.length * share)).entries()) {
      // Revocations only of access through groups: the demo's direct grants stay as the story wrote them.
      const revoke = i % 7 === 3 && (item.reasons as { gids: string[] | null }[]).some((r) => r.gids !== null);
      await decideItems(prisma, {
        campaignId,
        reviewerId,
        input: { itemIds: [item.id], decision: revoke ? "revoke" : "keep", justification: revoke ? "No longer works on these matters" : undefined, secondsSpent: 8 + (i % 30) },
        actor: reviewer,
      });
    }
  };
  // The previous quarter: both owners decide (ownerB half of theirs, the rest kept by default, so not carried).
  const previous = await runAt(at(Math.max(1, days - 61)), () => startCampaign(prisma, { definitionId: definition.id, name: "Q2 review: deal repositories", actor: adminActor }));
  await runAt(at(Math.max(1, days - 58)), () => decide(previous.id, ownerA, 1));
  await runAt(at(Math.max(1, days - 57)), () => decide(previous.id, ownerB, 0.5));
  await runAt(at(Math.max(1, days - 47)), () => closeCampaign(prisma, { campaignId: previous.id, actor: adminActor }));
  const completed = await runAt(at(days - 30), () => startCampaign(prisma, { definitionId: definition.id, name: "Q3 review: deal repositories", actor: adminActor }));
  // ownerA decides everything; ownerB (the late reviewer) nothing; the fallback half of theirs.
  await runAt(at(days - 26), () => decide(completed.id, ownerA, 1));
  await runAt(at(days - 20), () => decide(completed.id, fallback, 0.5));
  await runAt(at(days - 16), () => closeCampaign(prisma, { campaignId: completed.id, actor: adminActor }));
  const current = await runAt(at(days - 3), () => startCampaign(prisma, { definitionId: definition.id, name: "Q4 review: deal repositories", actor: adminActor }));
  await runAt(at(days - 1), () => decide(current.id, ownerA, 0.4));
}

/** Whether the demo was loaded into this database (the marker event exists). */
export async function demoLoaded(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.auditEvent.count({ where: { action: DEMO_MARKER_ACTION } })) > 0;
}

/**
 * Loads the demo organisation unless it is there already. Refuses a database that holds other
 * data (directories, repositories or contracts), or a demo load that was interrupted.
 */
export async function loadDemo(prisma: PrismaClient, options: LoadOptions = {}): Promise<DemoSummary> {
  const scale: DemoScale = { ...DEFAULT_DEMO_SCALE, ...options.scale };
  const adminEmail = (options.admin?.email ?? DEMO_ADMIN_EMAIL).toLowerCase();
  const adminPassword = options.admin ? (options.admin.password ?? null) : DEMO_ADMIN_PASSWORD;
  const progress = options.progress ?? (() => undefined);
  if (await demoLoaded(prisma)) return { loaded: false, reason: "already loaded", admin: { email: adminEmail, password: adminPassword } };
  const [directories, repositories, contracts] = await Promise.all([prisma.directory.count(), prisma.repository.count(), prisma.contract.count()]);
  if (directories + repositories + contracts > 0) {
    const interrupted = await prisma.directory.findUnique({ where: { name: DEMO_ENTRA_DIRECTORY } });
    throw new Error(
      interrupted
        ? "An earlier demo load into this database did not finish. Load into a fresh database (a new PGLITE_DATA_DIR)."
        : "This database already holds data (directories, repositories or contracts); the demo loads only into an empty one. Use a new PGLITE_DATA_DIR (the default for `npm run demo` is ./data/demo).",
    );
  }
  const started = Date.now();
  const rng = new Random(scale.seed);
  // The history starts `days` days ago at 08:00 UTC; day d of the story is start + d days.
  const realNow = new Date();
  const start = new Date(Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth(), realNow.getUTCDate()) - scale.days * DAY_MS + 8 * HOUR_MS);
  const at = (day: number, minutes = 0) => new Date(start.getTime() + day * DAY_MS + minutes * MINUTE_MS);
  let lastProgress = 0;
  const tick = (line: () => string, force = false) => {
    if (force || Date.now() - lastProgress > 3000) {
      lastProgress = Date.now();
      progress(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line()}`);
    }
  };

  // --- Day 0: the administrator, directories, repositories, contracts --------------------------
  const admin = await runAt(at(0, -60), async () => {
    const existing = await prisma.adminAccount.findUnique({ where: { email: adminEmail } });
    if (existing) return existing;
    if (!adminPassword) throw new Error(`No account ${adminEmail} exists and no password was given for it`);
    const created = await createAccount(prisma, { input: { email: adminEmail, password: adminPassword, role: "admin", name: "Demo administrator" }, actor: { type: "system", label: "demo loader" } });
    // The row takes the database's now(); date it with its (back-dated) account.created event, so
    // the account is not younger than the rules it authored.
    return prisma.adminAccount.update({ where: { id: created.id }, data: { createdAt: at(0, -60), updatedAt: at(0, -60) } });
  });
  const adminActor: Actor = { type: "admin", id: admin.id, label: admin.email };
  const contractSystem: Actor = { type: "api", label: "Contract system sync (demo)" };

  const { entraToken, oktaToken } = await runAt(at(0), async () => {
    const entra = await createDirectory(prisma, { input: { name: DEMO_ENTRA_DIRECTORY, kind: "entra" }, actor: adminActor });
    const okta = await createDirectory(prisma, { input: { name: DEMO_OKTA_DIRECTORY, kind: "okta" }, actor: adminActor });
    const { token: entraToken } = await createScimToken(prisma, { directoryId: entra.id, input: { name: "Entra provisioning" }, actor: adminActor });
    const { token: oktaToken } = await createScimToken(prisma, { directoryId: okta.id, input: { name: "Okta provisioning" }, actor: adminActor });
    return { entraToken, oktaToken };
  });
  const entra = scimCaller(entraToken, ENTRA_UA);
  const okta = scimCaller(oktaToken, OKTA_UA);

  const repoSpecs = REPOSITORIES.slice(0, Math.max(1, Math.min(REPOSITORIES.length, scale.repositories)));
  const repoIds = new Map<string, string>();
  await runAt(at(0, 10), async () => {
    for (const spec of repoSpecs) {
      const repo = await createRepository(prisma, { input: { name: spec.name, description: spec.description, owner: spec.owner }, actor: adminActor });
      repoIds.set(spec.name, repo.id);
    }
  });
  tick(() => `${repoSpecs.length} repositories`, true);

  // Contracts: the contract system's first sync, in bulk batches.
  const contractItems: ContractData[] = [];
  const repoWeights = repoSpecs.map((s) => [s, s.weight] as const);
  const year = realNow.getUTCFullYear();
  for (let n = 1; n <= scale.contracts; n++) {
    const spec = rng.weighted(repoWeights);
    const type = rng.pick(spec.types);
    const partner = spec.name === "Partner Agreements" || rng.float() < 0.08 ? PARTNER_COMPANIES.find((p) => p.repositories.includes(spec.name)) : undefined;
    const counterparty = partner?.name ?? rng.pick(COUNTERPARTIES);
    const confidentiality = rng.weighted([["public", spec.confidentiality[0]], ["internal", spec.confidentiality[1]], ["confidential", spec.confidentiality[2]], ["strictly_confidential", spec.confidentiality[3]]] as const);
    const effectiveDaysAgo = rng.int(scale.days + 10, scale.days + 5 * 365);
    const effectiveDate = new Date(start.getTime() - (effectiveDaysAgo - scale.days) * DAY_MS - 8 * HOUR_MS);
    // End dates: none (open-ended) 35%; ended before the story starts 15%; ending during the story 12%; later 38%.
    const endKind = rng.weighted([["none", 35], ["before", 15], ["during", 12], ["after", 38]] as const);
    const endDate =
      endKind === "none" ? null
      : endKind === "before" ? new Date(start.getTime() - rng.int(1, Math.min(400, effectiveDaysAgo - scale.days - 1)) * DAY_MS - 8 * HOUR_MS)
      : endKind === "during" ? new Date(start.getTime() + rng.int(2, scale.days - 1) * DAY_MS - 8 * HOUR_MS)
      : new Date(start.getTime() + (scale.days + rng.int(1, 3 * 365)) * DAY_MS - 8 * HOUR_MS);
    const status = endKind === "before" ? rng.pick(["expired", "terminated", "archived"]) : rng.float() < 0.04 ? "draft" : "active";
    contractItems.push({
      externalRef: `CTR-${year - Math.floor(effectiveDaysAgo / 365)}-${String(n).padStart(5, "0")}`,
      repositoryId: repoIds.get(spec.name)!,
      title: `${TYPE_LABELS[type] ?? type} — ${counterparty}${rng.float() < 0.3 ? ` (${rng.pick(["renewal", "amendment", "EMEA", "US", "2nd phase", "pilot"])})` : ""}`,
      counterparty,
      contractType: type,
      confidentiality: confidentialityRank(confidentiality),
      status,
      effectiveDate,
      endDate,
      // The demo's dates are instants (a time of day), not calendar days.
      effectiveDay: null,
      endDay: null,
      owner: spec.owner,
      tags: rng.float() < 0.2 ? [rng.pick(["priority", "auto-renew", "regulated", "legacy", "gdpr"])] : [],
    });
  }
  await runAt(at(0, 20), async () => {
    for (let i = 0; i < contractItems.length; i += 500) {
      const batch = contractItems.slice(i, i + 500);
      await saveContracts(prisma, { items: batch, actor: contractSystem });
      tick(() => `contracts ${Math.min(i + 500, contractItems.length)}/${contractItems.length}`);
    }
  });
  const contractRows = await prisma.contract.findMany({
    select: { id: true, externalRef: true, repositoryId: true, counterparty: true, endDate: true },
    orderBy: { externalRef: "asc" },
  });
  const contractByRef = new Map(contractRows.map((c) => [c.externalRef!, c]));
  tick(() => `${contractRows.length} contracts`, true);

  // --- Day 0: the initial SCIM sync (Entra ID employees, Okta partners) ------------------------
  const teams = DEPARTMENTS.flatMap((d) => d.teams.map(([team, weight]) => ({ team, weight, department: d })));
  const employees = makePeople(rng, scale.employees, (given, family, n) => {
    const t = rng.weighted(teams.map((x) => [x, x.weight] as const));
    return {
      userName: `${slug(given)}.${slug(family)}@contoso.example`,
      title: rng.pick(t.department.titles),
      employeeNumber: String(100_000 + n),
      unit: t.team,
      department: t.department.name,
      costCenter: t.department.costCenter,
    };
  });
  const partnerPeople = makePeople(rng, scale.partners, (given, family, n) => {
    const company = PARTNER_COMPANIES[(n - 1) % PARTNER_COMPANIES.length];
    return { userName: `${slug(given)}.${slug(family)}@${company.domain}`, title: rng.pick(PARTNER_TITLES), employeeNumber: `P-${n}`, unit: company.name };
  });
  // 88% of employees and 85% of partners exist at day 0; the others join during the story.
  const initialEmployees = employees.filter((_, i) => i < Math.ceil(employees.length * 0.88));
  const joiningEmployees = employees.filter((_, i) => i >= Math.ceil(employees.length * 0.88));
  const initialPartners = partnerPeople.filter((_, i) => i < Math.ceil(partnerPeople.length * 0.85));
  const joiningPartners = partnerPeople.filter((_, i) => i >= Math.ceil(partnerPeople.length * 0.85));

  const entraUser = (p: Person) => ({
    schemas: [CORE_USER, ENTERPRISE_USER],
    externalId: `aad-${p.employeeNumber}`,
    userName: p.userName,
    active: true,
    displayName: `${p.givenName} ${p.familyName}`,
    title: p.title,
    emails: [{ primary: true, type: "work", value: p.userName }],
    name: { formatted: `${p.givenName} ${p.familyName}`, familyName: p.familyName, givenName: p.givenName },
    addresses: [{ type: "work", country: rng.pick(["US", "GB", "DE", "FR", "NL", "SG", "JP", "BR"]) }],
    [ENTERPRISE_USER]: { employeeNumber: p.employeeNumber, department: p.department, costCenter: p.costCenter },
  });
  const oktaUser = (p: Person) => ({
    schemas: [CORE_USER],
    userName: p.userName,
    name: { givenName: p.givenName, familyName: p.familyName },
    emails: [{ primary: true, value: p.userName, type: "work" }],
    displayName: `${p.givenName} ${p.familyName}`,
    title: p.title,
    locale: "en-US",
    externalId: `00u${p.employeeNumber.replace("P-", "").padStart(6, "0")}okta`,
    active: true,
  });
  const groupIds = new Map<string, string>();
  const entraGroupNames = [ALL_STAFF, ...DEPARTMENTS.map((d) => d.name), ...teams.map((t) => t.team), ...CROSS_GROUPS];
  const oktaGroupNames = [PARTNERS_ALL, ...PARTNER_COMPANIES.map((c) => partnerGroup(c.name))];
  const entraAdd = (groupName: string, ids: string[]) =>
    entra.call("PATCH", `/Groups/${groupIds.get(groupName)}`, patchBody({ op: "Add", path: "members", value: ids.map((value) => ({ value })) }));
  const entraRemove = (groupName: string, ids: string[]) =>
    entra.call("PATCH", `/Groups/${groupIds.get(groupName)}`, patchBody({ op: "Remove", path: "members", value: ids.map((value) => ({ value })) }));
  const oktaAdd = (groupName: string, people: Person[]) =>
    okta.call("PATCH", `/Groups/${groupIds.get(groupName)}`, patchBody({ op: "add", path: "members", value: people.map((p) => ({ value: p.id, display: p.userName })) }));

  const crossMembers = new Map<string, Person[]>(CROSS_GROUPS.map((g) => [g, []]));
  await runAt(at(0, 60), async () => {
    for (const name of entraGroupNames) {
      const g = await entra.call<{ id: string }>("POST", "/Groups", { schemas: [CORE_GROUP], externalId: `aad-grp-${slug(name)}`, displayName: name, members: [] });
      groupIds.set(name, g.id);
    }
    for (const [i, p] of initialEmployees.entries()) {
      p.id = (await entra.call<{ id: string }>("POST", "/Users", entraUser(p))).id;
      tick(() => `Entra ID: users ${i + 1}/${initialEmployees.length}`);
    }
    // Memberships: people in their team; teams in their department; departments in All Staff.
    for (const t of teams) {
      const ids = initialEmployees.filter((p) => p.unit === t.team).map((p) => p.id!);
      for (let i = 0; i < ids.length; i += 50) await entraAdd(t.team, ids.slice(i, i + 50));
    }
    for (const d of DEPARTMENTS) await entraAdd(d.name, d.teams.map(([team]) => groupIds.get(team)!));
    await entraAdd(ALL_STAFF, DEPARTMENTS.map((d) => groupIds.get(d.name)!));
    const inDept = (dept: string[]) => initialEmployees.filter((p) => dept.includes(p.department!));
    const choose = (from: Person[], n: number) => rng.shuffle([...from]).slice(0, Math.max(1, Math.min(n, from.length)));
    crossMembers.set("Contract Managers", choose(inDept(["Legal", "Procurement"]), Math.round(scale.employees * 0.03)));
    crossMembers.set("Signatories", choose(inDept(["Executive", "Finance"]), Math.round(scale.employees * 0.02)));
    crossMembers.set("Custodian Admins", choose(inDept(["Operations"]), 2));
    crossMembers.set("Custodian Compliance", choose(inDept(["Legal"]), 3));
    crossMembers.set("Custodian Auditors", choose(inDept(["Finance"]), 2));
    for (const [name, people] of crossMembers) await entraAdd(name, people.map((p) => p.id!));
  });
  tick(() => `Entra ID: ${initialEmployees.length} users, ${entraGroupNames.length} groups`, true);

  await runAt(at(0, 180), async () => {
    for (const p of initialPartners) p.id = (await okta.call<{ id: string }>("POST", "/Users", oktaUser(p))).id;
    for (const name of oktaGroupNames) {
      const g = await okta.call<{ id: string }>("POST", "/Groups", { schemas: [CORE_GROUP], displayName: name, members: [] });
      groupIds.set(name, g.id);
    }
    for (const c of PARTNER_COMPANIES) {
      const people = initialPartners.filter((p) => p.unit === c.name);
      if (people.length) await oktaAdd(partnerGroup(c.name), people);
    }
    await okta.call("PATCH", `/Groups/${groupIds.get(PARTNERS_ALL)}`, patchBody({ op: "add", path: "members", value: PARTNER_COMPANIES.map((c) => ({ value: groupIds.get(partnerGroup(c.name)) })) }));
  });
  tick(() => `Okta: ${initialPartners.length} partners, ${oktaGroupNames.length} groups`, true);

  // --- Day 1: rules and dashboard roles ------------------------------------------------------
  const ruleIds: string[] = [];
  await runAt(at(1, 60), async () => {
    for (const spec of repoSpecs) {
      for (const r of spec.rules) {
        const types = r.types?.filter((t) => spec.types.includes(t));
        const rule = await createRule(prisma, {
          input: {
            // Named as an administrator would: who, what, which part of the repository.
            name: `${r.group} ${r.level}${types?.length ? ` (${types.join(", ")})` : ""}`,
            groupId: groupIds.get(r.group)!,
            level: r.level,
            repositoryId: repoIds.get(spec.name)!,
            ...(types ? { contractTypes: types } : {}),
            ...(r.ceiling ? { confidentialityCeiling: r.ceiling } : {}),
            ...(r.grace ? { graceDaysAfterEnd: r.grace } : {}),
            justification: r.why,
          },
          actor: adminActor,
        });
        ruleIds.push(rule.id);
        tick(() => `rules ${ruleIds.length}`);
      }
    }
    // Partners see what their engagement covers: their company's repositories, read-only, up to confidential…
    for (const c of PARTNER_COMPANIES) {
      for (const repo of c.repositories.filter((r) => repoIds.has(r)).slice(0, 1)) {
        const rule = await createRule(prisma, {
          input: {
            name: `${c.name} engagement`,
            groupId: groupIds.get(partnerGroup(c.name))!,
            level: "view",
            repositoryId: repoIds.get(repo)!,
            confidentialityCeiling: "confidential",
            validUntil: new Date(start.getTime() + (scale.days + 180) * DAY_MS).toISOString(),
            justification: `Engagement letter with ${c.name} (external access, reviewed quarterly)`,
          },
          actor: adminActor,
        });
        ruleIds.push(rule.id);
      }
    }
    // …and a few single contracts they negotiate (contract-scoped rules).
    const partnerContracts = contractRows.filter((c) => PARTNER_COMPANIES.some((p) => p.name === c.counterparty)).slice(0, 4);
    for (const c of partnerContracts) {
      const company = PARTNER_COMPANIES.find((p) => p.name === c.counterparty)!;
      const rule = await createRule(prisma, {
        input: { name: `${company.name} negotiates ${c.externalRef}`, groupId: groupIds.get(partnerGroup(company.name))!, level: "comment", contractId: c.id, justification: `${company.name} negotiates ${c.externalRef} with us` },
        actor: adminActor,
      });
      ruleIds.push(rule.id);
    }
    for (const [name, role] of ROLE_GROUPS) await assignRole(prisma, { input: { groupId: groupIds.get(name)!, role }, actor: adminActor });
  });
  tick(() => `${ruleIds.length} rules, ${ROLE_GROUPS.length} role assignments`, true);

  // --- Days 2…: joiners, movers, leavers, contract changes, exceptions ------------------------
  type Step = { day: number; minute: number; run: () => Promise<unknown> };
  const steps: Step[] = [];
  const storyDay = () => rng.int(2, scale.days - 1);
  const minuteOfDay = () => rng.int(0, 9 * 60);
  const teamOf = new Map<string, string>(employees.map((p) => [p.key, p.unit]));
  // Joiners: created, then added to their team the same morning.
  for (const p of joiningEmployees) {
    const day = storyDay();
    const minute = minuteOfDay();
    steps.push({ day, minute, run: async () => {
      p.id = (await entra.call<{ id: string }>("POST", "/Users", entraUser(p))).id;
      await entraAdd(p.unit, [p.id]);
    } });
  }
  for (const p of joiningPartners) {
    steps.push({ day: storyDay(), minute: minuteOfDay(), run: async () => {
      p.id = (await okta.call<{ id: string }>("POST", "/Users", oktaUser(p))).id;
      await oktaAdd(partnerGroup(p.unit), [p]);
    } });
  }
  // Leavers (employees present from day 0, not in the cross-functional groups): deactivated
  // between day 20 and the end; a third of them deleted two weeks later.
  const crossKeys = new Set([...crossMembers.values()].flat().map((p) => p.key));
  const pool = rng.shuffle(initialEmployees.filter((p) => !crossKeys.has(p.key)));
  const leaverCount = Math.max(2, Math.round(scale.employees * 0.07));
  const leavers = pool.slice(0, leaverCount);
  const movers = pool.slice(leaverCount, leaverCount + Math.max(2, Math.round(scale.employees * 0.1)));
  for (const [i, p] of leavers.entries()) {
    // Spread evenly over the period (the first 20 days excepted), whatever the scale.
    const first = Math.min(20, scale.days - 2);
    const day = first + Math.floor(((i + rng.float()) * (scale.days - 1 - first)) / leavers.length);
    steps.push({ day, minute: minuteOfDay(), run: async () => {
      await entra.call("PATCH", `/Users/${p.id}`, patchBody({ op: "Replace", path: "active", value: "False" }));
      p.active = false;
    } });
    if (i % 3 === 0 && day + 14 < scale.days) {
      steps.push({ day: day + 14, minute: minuteOfDay(), run: () => entra.call("DELETE", `/Users/${p.id}`) });
    }
  }
  const partnerLeavers = rng.shuffle([...initialPartners]).slice(0, Math.max(1, Math.round(scale.partners * 0.12)));
  for (const [i, p] of partnerLeavers.entries()) {
    const day = storyDay();
    steps.push({ day, minute: minuteOfDay(), run: async () => {
      if (i % 4 === 0) {
        // Okta unassigns: removal from the group first, then deactivation.
        await okta.call("PATCH", `/Groups/${groupIds.get(partnerGroup(p.unit))}`, patchBody({ op: "remove", path: `members[value eq "${p.id}"]` }));
      }
      await okta.call("PATCH", `/Users/${p.id}`, patchBody({ op: "replace", value: { active: false } }));
      p.active = false;
    } });
    if (i % 4 === 1 && day + 10 < scale.days) steps.push({ day: day + 10, minute: minuteOfDay(), run: () => okta.call("DELETE", `/Users/${p.id}`) });
  }
  // Movers: a new team (sometimes in another department), a new title.
  for (const p of movers) {
    const day = storyDay();
    const target = rng.pick(teams.filter((t) => t.team !== teamOf.get(p.key)));
    steps.push({ day, minute: minuteOfDay(), run: async () => {
      const from = teamOf.get(p.key)!;
      await entraRemove(from, [p.id!]);
      await entraAdd(target.team, [p.id!]);
      await entra.call("PATCH", `/Users/${p.id}`, patchBody(
        { op: "Replace", path: "title", value: rng.pick(target.department.titles) },
        { op: "Replace", path: `${ENTERPRISE_USER}:department`, value: target.department.name },
        { op: "Replace", path: `${ENTERPRISE_USER}:costCenter`, value: target.department.costCenter },
      ));
      teamOf.set(p.key, target.team);
    } });
  }
  // Contract changes from the contract system: renewals (end date moved out) and reclassifications.
  const renewable = contractItems.filter((c) => c.endDate && c.endDate > start && c.endDate.getTime() < start.getTime() + scale.days * DAY_MS);
  for (const c of rng.shuffle([...renewable]).slice(0, Math.max(1, Math.round(scale.contracts * 0.01)))) {
    const day = Math.max(2, Math.floor((c.endDate!.getTime() - start.getTime()) / DAY_MS) - rng.int(1, 10));
    steps.push({ day, minute: minuteOfDay(), run: () =>
      updateContract(prisma, { id: contractByRef.get(c.externalRef!)!.id, input: { endDate: new Date(c.endDate!.getTime() + 365 * DAY_MS).toISOString() }, actor: contractSystem }),
    });
  }
  for (const c of rng.shuffle(contractItems.filter((x) => x.confidentiality === 1)).slice(0, Math.max(1, Math.round(scale.contracts * 0.005)))) {
    steps.push({ day: storyDay(), minute: minuteOfDay(), run: () =>
      updateContract(prisma, { id: contractByRef.get(c.externalRef!)!.id, input: { confidentiality: "confidential" }, actor: adminActor }),
    });
  }
  // Exceptions: direct user grants with an expiry (some already expired by today).
  const grantees = rng.shuffle(initialEmployees.filter((p) => !leavers.includes(p))).slice(0, 6);
  for (const [i, p] of grantees.entries()) {
    const day = rng.int(5, Math.max(6, scale.days - 5));
    const spec = rng.pick(repoSpecs);
    const untilDay = i % 2 === 0 ? day + rng.int(7, 30) : scale.days + rng.int(10, 60);
    steps.push({ day, minute: minuteOfDay(), run: async () => {
      const rule = await createRule(prisma, {
        input: {
          // A rule name is not personal data: the ticket names the exception, not the person.
          name: `Temporary access REQ-${4000 + i}`,
          userId: p.id!,
          level: "view",
          repositoryId: repoIds.get(spec.name)!,
          confidentialityCeiling: "confidential",
          validUntil: at(untilDay).toISOString(),
          justification: `Temporary access for ${p.givenName} ${p.familyName}: ${rng.pick(["audit preparation", "covering for a colleague on leave", "due diligence request", "migration of legacy records"])} (ticket REQ-${4000 + i})`,
        },
        actor: adminActor,
      });
      ruleIds.push(rule.id);
    } });
  }
  // Rule maintenance: one widened, one narrowed, one withdrawn.
  steps.push({ day: Math.floor(scale.days / 3), minute: 30, run: () =>
    updateRule(prisma, { id: ruleIds[1], input: { name: "Sales view, strictly confidential (CAB-118)", confidentialityCeiling: "strictly_confidential", justification: "Sales leadership approved access to strictly confidential customer terms (CAB-118)" }, actor: adminActor }),
  });
  steps.push({ day: Math.floor(scale.days / 2), minute: 45, run: () =>
    updateRule(prisma, { id: ruleIds[2], input: { graceDaysAfterEnd: 30, justification: "Signatories keep access 30 days after a contract ends, for close-out (SP-4 rev. 2)" }, actor: adminActor }),
  });
  steps.push({ day: Math.floor((2 * scale.days) / 3), minute: 15, run: () =>
    deleteRule(prisma, { id: ruleIds[3], input: { justification: "Revenue recognition now reads order forms from the ERP" }, actor: adminActor }),
  });

  steps.sort((a, b) => a.day - b.day || a.minute - b.minute);
  let done = 0;
  for (let day = 2; day <= scale.days; day++) {
    for (const step of steps.filter((s) => s.day === day)) {
      await runAt(at(day, step.minute), step.run);
      done++;
      tick(() => `history: day ${day}/${scale.days}, ${done}/${steps.length} changes`);
    }
    // The maintenance job, as the server would run it: records the contract ends and rule
    // expiries of the day (access.revoked events) at their own instants.
    if (day < scale.days) await runAt(at(day, 15 * 60), () => runMaintenanceOnce(prisma));
  }
  // Today, on the real clock (the request log written first, so retention applies to it too).
  await flushRequestLog();
  await runMaintenanceOnce(prisma);
  tick(() => `history: ${steps.length} changes over ${scale.days} days`, true);
  await demoCampaigns(prisma, { repositoryIds: [...repoIds.values()], adminActor, at, days: scale.days });
  tick(() => "access review campaigns: one completed, one in progress", true);
  const walls = await demoWalls(prisma, { adminActor, at, days: scale.days });
  tick(() => `ethical walls: ${walls.walls} (two active, one lifted with its certificate), ${walls.attempts} denied attempts`, true);

  const counts = {
    users: await prisma.user.count(),
    activeUsers: await prisma.user.count({ where: { active: true } }),
    groups: await prisma.group.count(),
    repositories: await prisma.repository.count(),
    contracts: await prisma.contract.count(),
    rules: await prisma.accessRule.count(),
    auditEvents: await prisma.auditEvent.count(),
    scimRequests: entra.requests + okta.requests,
  };
  await prisma.$transaction((tx) =>
    recordAuditEvent(tx, { actor: { type: "system", label: "demo loader" }, action: DEMO_MARKER_ACTION, after: { scale, counts } }),
  );
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  return { loaded: true, admin: { email: adminEmail, password: adminPassword }, counts, seconds };
}
