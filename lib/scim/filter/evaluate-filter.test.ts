import { describe, expect, it, vi } from "vitest";
import { ScimError } from "../errors";
import type { Filter } from "./ast";
import { matchesFilter, type MatchOptions } from "./evaluate-filter";
import { parseFilter, parsePatchPath } from "./parse-filter";

const workEmail = { type: "work", value: "Babs@Example.com", primary: true };
const entraRole = { primary: "True", value: "Admin", type: "WindowsAzureActiveDirectoryRole" };
const member = { value: "2819c223-7f76-453a-919d-413861904646", display: "Babs Jensen", type: "User" };
const numbers = { level: 5, code: "123", ratio: 0.5 };
const dated = { since: "2024-01-31T12:00:00Z", label: "b" };
const nested = { name: { givenName: "Ann" }, tags: ["a", "b"], empty: [], blank: "", nothing: null };

const caseExactValue: MatchOptions = { isCaseExact: (name) => name.toLowerCase() === "value" };

describe("matchesFilter", () => {
  const cases: Array<[string, Record<string, unknown>, boolean, MatchOptions?]> = [
    // eq / ne on strings: case-insensitive by default (RFC 7643 §2.2 caseExact false)
    ['type eq "work"', workEmail, true],
    ['type eq "WORK"', workEmail, true],
    ['type eq "home"', workEmail, false],
    ['value eq "babs@example.com"', workEmail, true],
    ['value eq "babs@example.com"', workEmail, false, caseExactValue],
    ['value eq "Babs@Example.com"', workEmail, true, caseExactValue],
    ['type eq "WORK"', workEmail, true, caseExactValue],
    ['type ne "home"', workEmail, true],
    ['type ne "WORK"', workEmail, false],
    ['display ne "x"', workEmail, true],
    // attribute names are case-insensitive (RFC 7643 §2.1)
    ['TYPE eq "work"', workEmail, true],
    ['Type eq "work"', { TYPE: "work" }, true],
    // booleans match "true"/"false" strings in any case, both ways (Entra: primary eq "True")
    ["primary eq true", workEmail, true],
    ["primary eq false", workEmail, false],
    ['primary eq "True"', workEmail, true],
    ['primary eq "TRUE"', workEmail, true],
    ['primary eq "False"', workEmail, false],
    ['primary eq "yes"', workEmail, false],
    ["primary eq true", entraRole, true],
    ['primary eq "true"', entraRole, true],
    ["primary eq false", entraRole, false],
    ['primary eq "False"', { primary: false }, true],
    ["primary ne true", { primary: false }, true],
    ["primary ne true", {}, true],
    ["primary eq 1", workEmail, false],
    // co / sw / ew
    ['value co "example"', workEmail, true],
    ['value co "EXAMPLE"', workEmail, true],
    ['value co "EXAMPLE"', workEmail, false, caseExactValue],
    ['value co "Example"', workEmail, true, caseExactValue],
    ['value sw "babs"', workEmail, true],
    ['value sw "example"', workEmail, false],
    ['value ew ".COM"', workEmail, true],
    ['value ew "example"', workEmail, false],
    ['value co ""', workEmail, true],
    ['display co "x"', workEmail, false],
    ["code co 2", numbers, true],
    ["level sw 5", numbers, true],
    ['primary co "t"', workEmail, false],
    // pr: present and not null / "" / []
    ["value pr", workEmail, true],
    ["display pr", workEmail, false],
    ["blank pr", nested, false],
    ["nothing pr", nested, false],
    ["empty pr", nested, false],
    ["tags pr", nested, true],
    ["primary pr", { primary: false }, true],
    ["level pr", { level: 0 }, true],
    // null
    ["display eq null", workEmail, true],
    ["nothing eq null", nested, true],
    ["value eq null", workEmail, false],
    ["value ne null", workEmail, true],
    ["display ne null", workEmail, false],
    // numbers
    ["level eq 5", numbers, true],
    ["level eq 5.0", numbers, true],
    ['level eq "5"', numbers, true],
    ['level eq "five"', numbers, false],
    ["level gt 4", numbers, true],
    ["level gt 5", numbers, false],
    ["level ge 5", numbers, true],
    ["level lt 5", numbers, false],
    ["level le 5", numbers, true],
    ['level gt "4"', numbers, true],
    ["ratio lt 1", numbers, true],
    ["ratio gt -1", numbers, true],
    ['level gt "abc"', numbers, false],
    ["code eq 123", numbers, true],
    ['code eq "123"', numbers, true],
    // a number literal on a string compares with its string form (as in SQL)
    ["code gt 1000", numbers, true],
    // ISO dates compare as instants, whatever the offset
    ['since gt "2024-01-01T00:00:00Z"', dated, true],
    ['since lt "2024-01-01T00:00:00Z"', dated, false],
    ['since eq "2024-01-31T13:00:00+01:00"', dated, true],
    ['since lt "2024-01-31T13:00:00+01:00"', dated, false],
    ['since le "2024-01-31T13:00:00+01:00"', dated, true],
    ['since ge "2024-01-31T12:00:00.000Z"', dated, true],
    ['since gt "2024-01-31T12:00:00.001Z"', dated, false],
    // other strings compare lexicographically
    ['label gt "a"', dated, true],
    ['label gt "B"', dated, false],
    ['label ge "B"', dated, true],
    ['label lt "c"', dated, true],
    ['label lt "C"', dated, true],
    // caseExact: code-unit order, where "b" sorts after "C"
    ['label lt "C"', dated, false, { isCaseExact: () => true }],
    ['label gt "B"', dated, true, { isCaseExact: () => true }],
    // and / or / not
    ['type eq "work" and value co "@example.com"', workEmail, true],
    ['type eq "work" and value co "@other.com"', workEmail, false],
    ['type eq "home" or value co "@example.com"', workEmail, true],
    ['type eq "home" or primary eq false', workEmail, false],
    ['not (type eq "home")', workEmail, true],
    ['not (type eq "work")', workEmail, false],
    ['not (type eq "home" or primary eq false) and value pr', workEmail, true],
    // sub-attributes of a complex value, and multi-valued values (any value matches)
    ['name.givenName eq "ann"', nested, true],
    ['NAME.GIVENNAME sw "A"', nested, true],
    ["name.familyName pr", nested, false],
    ['tags eq "b"', nested, true],
    ['tags eq "c"', nested, false],
    ['tags ne "b"', nested, false],
    ['tags ne "c"', nested, true],
    ["empty eq null", nested, true],
    ['items eq "x"', { items: [{ value: "x" }, { value: "y" }] }, true],
    ['items.k eq "y"', { items: [{ k: "x" }, { k: "y" }] }, true],
    ['items[k eq "y"]', { items: [{ k: "x" }, { k: "y" }] }, true],
    ['items[k eq "z"]', { items: [{ k: "x" }, { k: "y" }] }, false],
    // group members (Entra / Okta: members[value eq "id"])
    ['value eq "2819c223-7f76-453a-919d-413861904646"', member, true],
    ['value eq "2819C223-7F76-453A-919D-413861904646"', member, false, caseExactValue],
    ['value eq "other"', member, false],
  ];

  it.each(cases)("%s on %j → %s", (filter, element, expected, options) => {
    expect(matchesFilter(parseFilter(filter), element, options)).toBe(expected);
  });

  it('evaluates the Entra form emails[type eq "work"].value eq … on one element', () => {
    const filter = parseFilter('emails[type eq "work"].value eq "babs@example.com"');
    if (filter.kind !== "valuePath") throw new Error("expected a value path");
    expect(matchesFilter(filter.filter, workEmail)).toBe(true);
    expect(matchesFilter(filter.filter, { ...workEmail, type: "home" })).toBe(false);
  });

  it("evaluates PATCH path value filters", () => {
    const roles = [entraRole, { primary: false, value: "Reader" }];
    const { valueFilter } = parsePatchPath('roles[primary eq "True"].value');
    expect(roles.filter((r) => matchesFilter(valueFilter as Filter, r)).map((r) => r.value)).toEqual([
      "Admin",
    ]);

    const members = [member, { value: "abc" }];
    const removal = parsePatchPath('members[value eq "abc"]').valueFilter as Filter;
    expect(members.filter((m) => !matchesFilter(removal, m))).toEqual([member]);
  });

  it("asks isCaseExact with the name as written in the filter", () => {
    const isCaseExact = vi.fn(() => false);
    matchesFilter(parseFilter('Value eq "x" or name.givenName eq "y"'), workEmail, { isCaseExact });
    expect(isCaseExact.mock.calls).toEqual([["Value"], ["name.givenName"]]);
  });

  const invalid: Array<[string, RegExp]> = [
    ["value gt true", /'gt' cannot be used with a boolean/],
    ["primary co true", /'co' cannot be used with a boolean/],
    ["value co null", /'co' cannot be used with null/],
    ["value lt null", /'lt' cannot be used with null/],
  ];

  it.each(invalid)("rejects %s with invalidFilter (RFC 7644 §3.4.2.2)", (filter, detail) => {
    let error: unknown;
    try {
      matchesFilter(parseFilter(filter), workEmail);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).scimType).toBe("invalidFilter");
    expect((error as ScimError).message).toMatch(detail);
  });
});
