// The PATCH engine against a small reference model (fast-check). The model is written from
// RFC 7644 §3.5.2 and RFC 7643 §2.4 for a simplified user — displayName, title, active,
// name.givenName / name.familyName and emails {value, type, primary} — without reading or reusing
// patch.ts, so both can be wrong only in the same way by accident. Random sequences of PATCH
// requests (add / replace / remove, with and without path, value filters on emails) are applied to
// both; after every request the documents must be equal, and a request the model refuses must be
// refused by the engine as a whole (atomic) with a SCIM 400.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { propertyOptions } from "@/lib/testing/property";
import { ScimError } from "./errors";
import { applyPatch } from "./patch";
import type { ScimDoc } from "./normalize-resource";
import { PATCH_OP } from "./schema";

// --- the model -------------------------------------------------------------------------------

interface Email {
  value: string;
  type?: string;
  primary?: boolean;
}
interface ModelUser {
  displayName?: string;
  title?: string;
  active?: boolean;
  name?: { givenName?: string; familyName?: string };
  emails?: Email[];
}

type Scalar = "displayName" | "title";
type NamePart = "givenName" | "familyName";
type ModelOp =
  | { kind: "setScalar"; op: "add" | "replace"; attr: Scalar; value: string }
  | { kind: "setActive"; op: "add" | "replace"; value: boolean }
  | { kind: "setName"; op: "add" | "replace"; part: NamePart; value: string }
  | { kind: "remove"; attr: Scalar | "active" | "name" | "emails" | `name.${NamePart}` }
  | { kind: "pathless"; op: "add" | "replace"; value: { displayName?: string; title?: string; active?: boolean; "name.givenName"?: string } }
  | { kind: "addEmails"; value: Email[] }
  | { kind: "replaceEmails"; value: Email[] }
  | { kind: "removeEmailsWhere"; field: "type" | "value"; equals: string }
  | { kind: "setEmailValueWhereType"; op: "add" | "replace"; type: string; value: string };

class Refused extends Error {}

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const copy = (u: ModelUser): ModelUser => JSON.parse(JSON.stringify(u)) as ModelUser;

/** Empty values are unassigned (RFC 7643 §2.5): "" clears, an empty list or object disappears. */
function settle(u: ModelUser): ModelUser {
  if (u.name && Object.keys(u.name).length === 0) delete u.name;
  if (u.emails && u.emails.length === 0) delete u.emails;
  if (u.emails && u.emails.filter((e) => e.primary === true).length > 1) throw new Refused("two primary e-mails");
  return u;
}

function setScalar(u: ModelUser, attr: Scalar, value: string) {
  if (value === "") delete u[attr];
  else u[attr] = value;
}

function setNamePart(u: ModelUser, part: NamePart, value: string) {
  const name = { ...(u.name ?? {}) };
  if (value === "") delete name[part];
  else name[part] = value;
  u.name = name;
}

/** RFC 7643 §2.4: a value newly marked primary takes the flag from the others. */
function demoteOthers(emails: Email[], changed: Email[]) {
  if (!changed.some((e) => e.primary === true)) return;
  for (const e of emails) if (!changed.includes(e) && e.primary === true) e.primary = false;
}

function applyModelOp(u: ModelUser, o: ModelOp) {
  switch (o.kind) {
    case "setScalar":
      return setScalar(u, o.attr, o.value);
    case "setActive":
      u.active = o.value;
      return;
    case "setName":
      return setNamePart(u, o.part, o.value);
    case "remove":
      if (o.attr === "name.givenName" || o.attr === "name.familyName") {
        if (u.name) setNamePart(u, o.attr.slice(5) as NamePart, "");
      } else {
        delete u[o.attr];
      }
      return;
    case "pathless":
      if (o.value.displayName !== undefined) setScalar(u, "displayName", o.value.displayName);
      if (o.value.title !== undefined) setScalar(u, "title", o.value.title);
      if (o.value.active !== undefined) u.active = o.value.active;
      if (o.value["name.givenName"] !== undefined) setNamePart(u, "givenName", o.value["name.givenName"]);
      return;
    case "addEmails": {
      // RFC 7644 §3.5.2.1: an e-mail already there (same address, and same type when one is
      // given) is updated, not duplicated; others are appended.
      const emails = u.emails ?? [];
      if (o.value.filter((e) => e.primary === true).length > 1) throw new Refused("two primary e-mails in one value");
      const changed: Email[] = [];
      for (const incoming of o.value) {
        const existing = emails.find((e) => same(e.value, incoming.value) && (incoming.type === undefined || same(e.type, incoming.type)));
        if (existing) {
          Object.assign(existing, incoming);
          changed.push(existing);
        } else {
          const added = { ...incoming };
          emails.push(added);
          changed.push(added);
        }
      }
      demoteOthers(emails, changed);
      u.emails = emails;
      return;
    }
    case "replaceEmails":
      if (o.value.filter((e) => e.primary === true).length > 1) throw new Refused("two primary e-mails in one value");
      u.emails = o.value.map((e) => ({ ...e }));
      return;
    case "removeEmailsWhere":
      if (u.emails) u.emails = u.emails.filter((e) => !same(e[o.field], o.equals));
      return;
    case "setEmailValueWhereType": {
      const emails = u.emails ?? [];
      const matched = emails.filter((e) => same(e.type, o.type));
      if (o.value === "") {
        // Clearing the address leaves nothing that identifies the e-mail: it goes.
        u.emails = emails.filter((e) => !matched.includes(e));
        return;
      }
      if (matched.length === 0) {
        // Entra's `emails[type eq "work"].value`: no work e-mail yet → it is created.
        emails.push({ type: o.type, value: o.value });
      } else {
        for (const e of matched) e.value = o.value;
        demoteOthers(emails, matched);
      }
      u.emails = emails;
      return;
    }
  }
}

/** A whole PATCH request: all operations or none (RFC 7644 §3.5.2). */
function applyModel(u: ModelUser, ops: ModelOp[]): ModelUser {
  const next = copy(u);
  for (const o of ops) {
    applyModelOp(next, o);
    settle(next);
  }
  return next;
}

// --- the same operations as SCIM JSON ---------------------------------------------------------

function toScim(o: ModelOp): Record<string, unknown> {
  switch (o.kind) {
    case "setScalar":
      return { op: o.op, path: o.attr, value: o.value };
    case "setActive":
      return { op: o.op, path: "active", value: o.value };
    case "setName":
      return { op: o.op, path: `name.${o.part}`, value: o.value };
    case "remove":
      return { op: "remove", path: o.attr };
    case "pathless":
      return { op: o.op, value: o.value };
    case "addEmails":
      return { op: "add", path: "emails", value: o.value };
    case "replaceEmails":
      return { op: "replace", path: "emails", value: o.value };
    case "removeEmailsWhere":
      return { op: "remove", path: `emails[${o.field} eq ${JSON.stringify(o.equals)}]` };
    case "setEmailValueWhereType":
      return { op: o.op, path: `emails[type eq ${JSON.stringify(o.type)}].value`, value: o.value };
  }
}

// --- generators -------------------------------------------------------------------------------

const text = fc.constantFrom("", "Ada", "ada", "Grace Hopper", "Zoë", "x");
const address = fc.constantFrom("a@x.org", "A@X.org", "b@x.org", "c@y.org");
const emailType = fc.constantFrom("work", "home", "other");
const email: fc.Arbitrary<Email> = fc
  .record({ value: address, type: emailType, primary: fc.constant(true) }, { requiredKeys: ["value"] })
  .map((e) => ({ ...e }));
const emailList = fc.array(email, { minLength: 1, maxLength: 3 });
const addOrReplace = fc.constantFrom<"add" | "replace">("add", "replace");

const modelOp: fc.Arbitrary<ModelOp> = fc.oneof(
  fc.record({ kind: fc.constant("setScalar" as const), op: addOrReplace, attr: fc.constantFrom<Scalar>("displayName", "title"), value: text }),
  fc.record({ kind: fc.constant("setActive" as const), op: addOrReplace, value: fc.boolean() }),
  fc.record({ kind: fc.constant("setName" as const), op: addOrReplace, part: fc.constantFrom<NamePart>("givenName", "familyName"), value: text }),
  fc.record({
    kind: fc.constant("remove" as const),
    attr: fc.constantFrom<Extract<ModelOp, { kind: "remove" }>["attr"]>("displayName", "title", "active", "name", "emails", "name.givenName", "name.familyName"),
  }),
  fc.record({
    kind: fc.constant("pathless" as const),
    op: addOrReplace,
    value: fc.record({ displayName: text, title: text, active: fc.boolean(), "name.givenName": text }, { requiredKeys: [] }),
  }),
  fc.record({ kind: fc.constant("addEmails" as const), value: emailList }),
  fc.record({ kind: fc.constant("replaceEmails" as const), value: emailList }),
  fc.oneof(
    fc.record({ kind: fc.constant("removeEmailsWhere" as const), field: fc.constant("type" as const), equals: fc.constantFrom("work", "Work", "home", "other") }),
    fc.record({ kind: fc.constant("removeEmailsWhere" as const), field: fc.constant("value" as const), equals: address }),
  ),
  fc.record({
    kind: fc.constant("setEmailValueWhereType" as const),
    op: addOrReplace,
    type: fc.constantFrom("work", "home"),
    value: fc.constantFrom("a@x.org", "d@z.org", ""),
  }),
);

const startUser: fc.Arbitrary<ModelUser> = fc
  .record(
    {
      displayName: fc.constantFrom("Ada", "Grace"),
      title: fc.constantFrom("Counsel"),
      active: fc.boolean(),
      name: fc.record({ givenName: fc.constantFrom("Ada"), familyName: fc.constantFrom("Lovelace") }, { requiredKeys: [] }),
      emails: fc.uniqueArray(fc.record({ value: address, type: emailType }), { maxLength: 3, selector: (e) => e.value.toLowerCase() }),
    },
    { requiredKeys: [] },
  )
  .map((u) => settle(JSON.parse(JSON.stringify(u)) as ModelUser));

// --- the property -----------------------------------------------------------------------------

const BASE = { id: "2819c223-7f76-453a-919d-413861904646", userName: "ada@example.com" };

describe("applyPatch against the reference model (properties)", () => {
  it("agrees with the model on random sequences of PATCH requests on a user", () => {
    fc.assert(
      fc.property(startUser, fc.array(fc.array(modelOp, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (start, requests) => {
        let model = start;
        let doc: ScimDoc = { ...BASE, ...copy(start) };
        for (const ops of requests) {
          const body = { schemas: [PATCH_OP], Operations: ops.map(toScim) };
          let expected: ModelUser | Refused;
          try {
            expected = applyModel(model, ops);
          } catch (err) {
            if (!(err instanceof Refused)) throw err;
            expected = err;
          }
          if (expected instanceof Refused) {
            let thrown: unknown;
            try {
              applyPatch("User", doc, body);
            } catch (err) {
              thrown = err;
            }
            expect(thrown, `engine accepted what the model refuses (${expected.message}): ${JSON.stringify(body)}`).toBeInstanceOf(ScimError);
            expect((thrown as ScimError).status).toBe(400);
            continue; // atomic: neither side changed
          }
          doc = applyPatch("User", doc, body).doc;
          model = expected;
          expect(doc, JSON.stringify(body)).toEqual({ ...BASE, ...model });
        }
      }),
      propertyOptions(800),
    );
  });
});
