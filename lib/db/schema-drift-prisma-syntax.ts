// Reads the text of schema.prisma into models, fields and attributes (a syntax tree), for the
// schema subset this project uses; schema-drift-parse.ts derives the PostgreSQL schema from them.

export class PrismaSchemaParseError extends Error {
  constructor(message: string, line?: number) {
    super(
      `${line !== undefined ? `schema.prisma line ${line}: ` : ""}${message}` +
        ` (lib/db/schema-drift-prisma-syntax.ts and schema-drift-parse.ts understand only the schema subset this project uses: extend it together with the schema)`,
    );
    this.name = "PrismaSchemaParseError";
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenKind = "ident" | "string" | "number" | "punct" | "nl" | "eof";
interface Token {
  kind: TokenKind;
  value: string;
  line: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new PrismaSchemaParseError(msg, line);
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\n") {
      tokens.push({ kind: "nl", value: "\n", line });
      line++;
      i++;
    } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\uFEFF") {
      i++;
    } else if (text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (text.startsWith("/*", i)) {
      fail("block comments are not Prisma schema syntax");
    } else if (ch === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length || text[i] === "\n") fail("unterminated string");
        const c = text[i];
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\") {
          const e = text[i + 1];
          const simple: Record<string, string> = {
            '"': '"',
            "\\": "\\",
            n: "\n",
            t: "\t",
            r: "\r",
            "'": "'",
          };
          if (e in simple) {
            value += simple[e];
            i += 2;
          } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
          } else {
            fail(`unsupported escape \\${e ?? ""} in string`);
          }
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: "string", value, line });
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: "ident", value: m[0], line });
      i += m[0].length;
    } else if (/[0-9]/.test(ch) || (ch === "-" && /[0-9]/.test(text[i + 1] ?? ""))) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: "number", value: m[0], line });
      i += m[0].length;
    } else if (text.startsWith("@@", i)) {
      tokens.push({ kind: "punct", value: "@@", line });
      i += 2;
    } else if ("{}()[],:=?@.".includes(ch)) {
      tokens.push({ kind: "punct", value: ch, line });
      i++;
    } else {
      fail(`unexpected character ${JSON.stringify(ch)}`);
    }
  }
  tokens.push({ kind: "eof", value: "", line });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "ident"; value: string }
  | { kind: "call"; name: string; args: Arg[] }
  | { kind: "array"; items: Value[] };

export interface Arg {
  name?: string;
  value: Value;
}

export interface Attribute {
  /** `id`, `db.VarChar`, `@index` (block attributes keep one extra `@`). */
  name: string;
  args: Arg[];
  line: number;
}

export interface FieldAst {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: Attribute[];
  line: number;
}

export interface ModelAst {
  name: string;
  fields: FieldAst[];
  attributes: Attribute[];
  line: number;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }
  private fail(msg: string, t = this.peek()): never {
    throw new PrismaSchemaParseError(msg, t.line);
  }
  private describe(t: Token): string {
    return t.kind === "eof" ? "end of file" : t.kind === "nl" ? "end of line" : JSON.stringify(t.value);
  }
  private isPunct(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "punct" && t.value === value;
  }
  private expectPunct(value: string): Token {
    const t = this.next();
    if (t.kind !== "punct" || t.value !== value)
      this.fail(`expected "${value}", found ${this.describe(t)}`, t);
    return t;
  }
  private expectIdent(what: string): Token {
    const t = this.next();
    if (t.kind !== "ident") this.fail(`expected ${what}, found ${this.describe(t)}`, t);
    return t;
  }
  private skipNewlines(): void {
    while (this.peek().kind === "nl") this.next();
  }
  private expectEndOfLine(): void {
    const t = this.peek();
    if (t.kind === "nl") this.next();
    else if (!(t.kind === "punct" && t.value === "}")) this.fail(`unexpected ${this.describe(t)}`, t);
  }

  parse(): ModelAst[] {
    const models: ModelAst[] = [];
    const seen = new Set<string>();
    let datasources = 0;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.kind === "eof") break;
      const keyword = this.expectIdent("a block keyword (generator, datasource, model)");
      if (keyword.value === "model") {
        const model = this.parseModel();
        if (seen.has(model.name)) this.fail(`model ${model.name} is defined twice`, keyword);
        seen.add(model.name);
        models.push(model);
      } else if (keyword.value === "generator") {
        this.parseConfigBlock("generator");
      } else if (keyword.value === "datasource") {
        datasources++;
        this.parseConfigBlock("datasource");
      } else {
        this.fail(`unsupported block "${keyword.value}"`, keyword);
      }
    }
    if (datasources > 1) throw new PrismaSchemaParseError("more than one datasource block");
    return models;
  }

  private parseConfigBlock(kind: "generator" | "datasource"): void {
    this.expectIdent(`${kind} name`);
    this.expectPunct("{");
    for (;;) {
      this.skipNewlines();
      if (this.isPunct("}")) {
        this.next();
        break;
      }
      const key = this.expectIdent(`${kind} property`);
      this.expectPunct("=");
      const value = this.parseValue();
      if (kind === "datasource") {
        if (key.value === "provider") {
          if (value.kind !== "string" || value.value !== "postgresql")
            this.fail(`datasource provider must be "postgresql"`, key);
        } else if (!["url", "directUrl", "shadowDatabaseUrl"].includes(key.value)) {
          // relationMode, schemas, extensions, ... change what Migrate creates.
          this.fail(`unsupported datasource property "${key.value}"`, key);
        }
      } else if (key.value === "previewFeatures") {
        if (value.kind !== "array" || value.items.length > 0)
          this.fail("generator previewFeatures may change what Migrate creates and are not supported", key);
      }
      this.expectEndOfLine();
    }
  }

  private parseModel(): ModelAst {
    const nameToken = this.expectIdent("model name");
    const model: ModelAst = { name: nameToken.value, fields: [], attributes: [], line: nameToken.line };
    this.expectPunct("{");
    for (;;) {
      this.skipNewlines();
      if (this.isPunct("}")) {
        this.next();
        break;
      }
      if (this.isPunct("@@")) {
        const at = this.next();
        const attr = this.parseAttributeBody(at.line);
        model.attributes.push({ ...attr, name: `@${attr.name}` });
        this.expectEndOfLine();
        continue;
      }
      const fieldName = this.expectIdent("field name");
      const typeName = this.expectIdent(`type of field ${fieldName.value}`);
      if (this.isPunct("(")) this.fail(`unsupported type ${typeName.value}(...)`, typeName);
      const field: FieldAst = {
        name: fieldName.value,
        type: typeName.value,
        optional: false,
        list: false,
        attributes: [],
        line: fieldName.line,
      };
      if (this.isPunct("?")) {
        this.next();
        field.optional = true;
      } else if (this.isPunct("[")) {
        this.next();
        this.expectPunct("]");
        field.list = true;
      }
      if (this.isPunct("?") || this.isPunct("[")) this.fail(`invalid type modifier on ${field.name}`);
      while (this.isPunct("@")) {
        const at = this.next();
        field.attributes.push(this.parseAttributeBody(at.line));
      }
      if (model.fields.some((f) => f.name === field.name))
        this.fail(`field ${model.name}.${field.name} is defined twice`, fieldName);
      model.fields.push(field);
      this.expectEndOfLine();
    }
    return model;
  }

  private parseAttributeBody(line: number): Attribute {
    let name = this.expectIdent("attribute name").value;
    if (this.isPunct(".")) {
      this.next();
      name += `.${this.expectIdent("attribute name").value}`;
    }
    const args = this.isPunct("(") ? this.parseArgs() : [];
    return { name, args, line };
  }

  private parseArgs(): Arg[] {
    this.expectPunct("(");
    const args: Arg[] = [];
    while (!this.isPunct(")")) {
      if (this.peek().kind === "ident" && this.isPunct(":", 1)) {
        const name = this.next().value;
        this.next();
        args.push({ name, value: this.parseValue() });
      } else {
        args.push({ value: this.parseValue() });
      }
      if (this.isPunct(",")) this.next();
      else if (!this.isPunct(")")) this.fail(`expected "," or ")", found ${this.describe(this.peek())}`);
    }
    this.expectPunct(")");
    return args;
  }

  private parseValue(): Value {
    const t = this.peek();
    if (t.kind === "string") {
      this.next();
      return { kind: "string", value: t.value };
    }
    if (t.kind === "number") {
      this.next();
      return { kind: "number", value: t.value };
    }
    if (t.kind === "ident") {
      this.next();
      if (this.isPunct("(")) return { kind: "call", name: t.value, args: this.parseArgs() };
      return { kind: "ident", value: t.value };
    }
    if (this.isPunct("[")) {
      this.next();
      const items: Value[] = [];
      while (!this.isPunct("]")) {
        items.push(this.parseValue());
        if (this.isPunct(",")) this.next();
        else if (!this.isPunct("]")) this.fail(`expected "," or "]", found ${this.describe(this.peek())}`);
      }
      this.next();
      return { kind: "array", items };
    }
    return this.fail(`unexpected ${this.describe(t)}`);
  }
}

/** The models of schema.prisma (its generator and datasource blocks are checked, not returned). */
export function parsePrismaModels(text: string): ModelAst[] {
  return new Parser(tokenize(text)).parse();
}
