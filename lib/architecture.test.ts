// The architecture, checked over every import (ARCHITECTURE.md explains it). Each file belongs to
// a part, found by folder (first matching row of PARTS); a file in no part fails, so a new folder
// gets a row here before it gets code. Each part has a layer: imports point to the same or a lower
// layer, and the RULES below forbid the imports that layers alone would allow. Tests (*.test.ts,
// e2e/) belong to parts too but may import anything they exercise.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const SCANNED = ["app", "components", "lib", "scripts", "bench", "e2e"];
const ROOT_FILES = ["proxy.ts", "instrumentation.ts"];

/** Layers, lowest first: a file imports its own layer or lower ones. */
const LAYERS = ["foundation", "data", "protocol", "domain", "delivery", "surface", "tools"] as const;
type Layer = (typeof LAYERS)[number];

interface Part {
  name: string;
  layer: Layer;
  /** Repository-relative paths: a folder ends with "/", else an exact file or a regular expression. */
  files: (string | RegExp)[];
}

const domain = (name: string): Part => ({ name, layer: "domain", files: [`lib/${name}/`] });

const PARTS: Part[] = [
  { name: "generated", layer: "foundation", files: ["lib/generated/"] },
  // Leaves every layer may use: errors and their HTTP statuses, time, logging, ids, paging,
  // configuration, the client address behind trusted proxies (sign-in and the route wrapper), the
  // permission table (dashboard client code renders menus from it too).
  {
    name: "kernel",
    layer: "foundation",
    files: [/^lib\/(errors|clock|log|interval-loop|random|pagination|config|csv|forwarded|time-format|calendar-date)(\.test)?\.ts$/, "lib/auth/permissions.ts"],
  },
  { name: "db", layer: "data", files: ["lib/db/"] },
  // SCIM as data and pure functions: schemas, the filter language, resources, the PATCH engine
  // and the mapping to rows. No I/O.
  {
    name: "scim-protocol",
    layer: "protocol",
    files: [
      "lib/scim/filter/",
      // Split files and folders of these (patch-members.ts, resource/normalize.ts) count too.
      /^lib\/scim\/(schema|resource|normalize-resource|project-resource|patch|group-member-patch|mapping|user-data|ignored|text|errors|path|serialize|request-log-subjects)([-./]|\.ts$)/,
    ],
  },
  ...["access", "audit", "contracts", "rules", "users", "groups", "roles", "directories", "api-keys", "webhooks", "evidence", "monitoring", "accounts", "overview", "access-review", "privacy", "exclusions", "reviews", "walls", "notifications"].map(domain),
  // Adapters from a transport to the domain: the route wrapper, sessions and sign-in, the SCIM
  // service (handlers, router, auth, rate limit, request log), the public API's schemas.
  { name: "http", layer: "delivery", files: ["lib/http/"] },
  { name: "auth", layer: "delivery", files: ["lib/auth/"] },
  { name: "scim", layer: "delivery", files: ["lib/scim/"] },
  { name: "api-v1", layer: "delivery", files: ["lib/api-v1/"] },
  // OpenID AuthZEN 1.0: its request shapes and Custodian's vocabulary in them, the decision log.
  { name: "authzen", layer: "delivery", files: ["lib/authzen/"] },
  // Drivers of the domain: the periodic jobs, the demo loader (through the SCIM service, as an
  // identity provider would), process start-up, bootstrap and health.
  { name: "jobs", layer: "delivery", files: ["lib/jobs/"] },
  { name: "demo", layer: "delivery", files: ["lib/demo/"] },
  { name: "composition", layer: "delivery", files: ["lib/start-up.ts", "lib/bootstrap.ts", "lib/health.ts"] },
  // Next.js: route handlers (and the tests that span all of them), then pages and their helpers.
  { name: "routes", layer: "surface", files: ["app/api/", "app/scim/", "app/access/", "app/.well-known/", /^app\/[^/]+\.test\.ts$/, "proxy.ts", "instrumentation.ts"] },
  { name: "pages", layer: "surface", files: ["app/"] },
  { name: "components", layer: "surface", files: ["components/"] },
  { name: "testing", layer: "tools", files: ["lib/testing/", "e2e/", "lib/architecture.test.ts"] },
  { name: "scripts", layer: "tools", files: ["scripts/", "bench/"] },
];

const isTest = (file: string) => /\.test\.tsx?$/.test(file) || file.startsWith("e2e/");

interface Rule {
  name: string;
  /** Which importing files the rule is about. */
  from: (file: string, part: Part) => boolean;
  /** Whether importing `target` (a repository path, or a package name) breaks the rule. */
  forbids: (target: Target) => boolean;
}

interface Target {
  /** Repository-relative path, or undefined for a package. */
  file?: string;
  part?: Part;
  specifier: string;
  typeOnly: boolean;
}

const pkg = (t: Target, ...names: string[]) => !t.file && names.some((n) => t.specifier === n || t.specifier.startsWith(`${n}/`));
const dbDriver = (t: Target) => pkg(t, "pg", "@electric-sql/pglite", "@prisma/client", "@prisma/adapter-pg", "@prisma/adapter-pglite");
const nextServer = (t: Target) => pkg(t, "next", "next-auth");

const RULES: Rule[] = [
  {
    name: "protocol code is pure: no database, Prisma client (types only), Next.js or lib/db",
    from: (_, part) => part.name === "scim-protocol",
    forbids: (t) =>
      dbDriver(t) || nextServer(t) || t.part?.name === "db" || (t.part?.name === "generated" && !t.typeOnly) ||
      (t.part !== undefined && !["scim-protocol", "kernel", "generated"].includes(t.part.name)),
  },
  {
    // Pages read through the reads their domain binds to the process client (`<domain>ForPages`,
    // made with onProcessClient in the domain's own module): nothing under lib/db is theirs.
    name: "pages and components never import the database client or the generated Prisma client",
    from: (_, part) => part.name === "pages" || part.name === "components",
    forbids: (t) => dbDriver(t) || t.part?.name === "db" || t.part?.name === "generated",
  },
  {
    name: "lib/** never imports app/**",
    from: (file) => file.startsWith("lib/"),
    forbids: (t) => !!t.file?.startsWith("app/"),
  },
  {
    name: "only tests and lib/testing import lib/testing",
    from: (_, part) => part.name !== "testing",
    forbids: (t) => t.part?.name === "testing",
  },
  {
    name: "in lib, only lib/http and lib/auth (sessions, sign-in) import Next.js or next-auth",
    from: (file, part) => file.startsWith("lib/") && !["http", "auth", "testing"].includes(part.name),
    forbids: nextServer,
  },
  {
    name: "domain code never imports delivery code (route wrapper, SCIM service, public API)",
    from: (_, part) => part.layer === "domain",
    forbids: (t) => t.part?.layer === "delivery",
  },
];


// ---------------------------------------------------------------------------------------------

interface Import {
  from: string;
  line: number;
  target: Target;
}

function listFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(ts|tsx|mts|mjs|js)$/.test(name) && !rel.startsWith("lib/generated/")) files.push(rel);
    }
  };
  for (const dir of SCANNED) walk(dir);
  return [...files, ...ROOT_FILES.filter((f) => existsSync(path.join(ROOT, f)))];
}

function partOf(file: string): Part | undefined {
  return PARTS.find((p) => p.files.some((f) => (typeof f === "string" ? (f.endsWith("/") ? file.startsWith(f) : file === f) : f.test(file))));
}

function resolveImport(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.posix.join(path.posix.dirname(from), specifier);
  else return undefined;
  const candidates = [base, `${base}.ts`, `${base}.tsx`, base.replace(/\.js$/, ".ts"), `${base}/index.ts`, `${base}.js`, `${base}.mjs`];
  const found = candidates.find((c) => existsSync(path.join(ROOT, c)) && statSync(path.join(ROOT, c)).isFile());
  return found ?? base;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    const resolved = resolveImport(file, specifier);
    found.push({
      from: file,
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      target: { file: resolved, part: resolved ? partOf(resolved) : undefined, specifier, typeOnly },
    });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly ||
        (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    ) {
      add(node, node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every violation of a layer or a rule, as "file:line: what (rule)". */
function findViolations(imports: Import[]): string[] {
  const problems: string[] = [];
  for (const i of imports) {
    const part = partOf(i.from)!;
    const shown = `${i.from}:${i.line}: imports ${i.target.file ?? i.target.specifier}`;
    if (isTest(i.from)) continue;
    for (const rule of RULES) if (rule.from(i.from, part) && rule.forbids(i.target)) problems.push(`${shown} (rule: ${rule.name})`);
    const to = i.target.part;
    if (to && LAYERS.indexOf(to.layer) > LAYERS.indexOf(part.layer)) {
      problems.push(`${shown} (layer: ${part.name} is ${part.layer}, ${to.name} is ${to.layer}, higher)`);
    }
  }
  return problems;
}

/** Groups of nodes (files, parts) that import each other: strongly connected components. */
function cyclesOf(imports: Import[], nodeOf: (file: string) => string | undefined): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const a = nodeOf(i.from);
    const b = i.target.file && partOf(i.target.file) ? nodeOf(i.target.file) : undefined;
    if (isTest(i.from) || !a || !b || a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) connect(v);
  return cycles;
}

const partCycles = (imports: Import[]) => cyclesOf(imports, (file) => partOf(file)?.name);

describe("architecture", () => {
  const files = listFiles();
  const imports = files.filter((f) => partOf(f)).flatMap(importsOf);

  it("every file belongs to a part", () => {
    expect(files.filter((f) => !partOf(f)), "add a row to PARTS in lib/architecture.test.ts").toEqual([]);
  });

  it("every relative and @/ import resolves to a file", () => {
    const unresolved = imports.filter((i) => i.target.file && !existsSync(path.join(ROOT, i.target.file)));
    expect(unresolved.map((i) => `${i.from}:${i.line}: ${i.target.specifier}`)).toEqual([]);
  });

  it("no import breaks a layer or a rule", () => {
    expect(findViolations(imports)).toEqual([]);
  });

  it("no cycles between parts", () => {
    expect(partCycles(imports).map((c) => c.join(","))).toEqual([]);
  });

  it("no cycles between files", () => {
    expect(cyclesOf(imports, (f) => f)).toEqual([]);
  });
});
