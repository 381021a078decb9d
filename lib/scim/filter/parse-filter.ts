// Parser for SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2).
//
// Grammar, lowest precedence first (RFC 7644 §3.4.2.2: "not" > "and" > "or"):
//   orExpr   = andExpr *("or" andExpr)            ; left-associative
//   andExpr  = unary *("and" unary)
//   unary    = "not" "(" orExpr ")" / "(" orExpr ")" / attrExp / valuePath [subAttr compTail]
//   attrExp  = attrPath ("pr" / compareOp compValue)
//   valuePath = attrPath "[" orExpr "]"          ; no brackets inside brackets
// Keywords and operators are case-insensitive (RFC 7644 §3.4.2.2). They are recognised by
// position, so an attribute may be called e.g. "pr" or "not" without being mistaken for one.

import { ScimError, invalidFilter, invalidPath } from "../errors";
import type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from "./ast";

/** Limits against hostile input: a filter arrives in a query string from the network. */
export const MAX_FILTER_LENGTH = 10_000;
export const MAX_FILTER_DEPTH = 50;
export const MAX_FILTER_NODES = 200;

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>([
  "eq",
  "ne",
  "co",
  "sw",
  "ew",
  "gt",
  "ge",
  "lt",
  "le",
]);

// ATTRNAME = ALPHA *(nameChar) (RFC 7643 §2.1); "$ref" is the one reserved exception.
const ATTR_NAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
// A schema URI is a URN such as urn:ietf:params:scim:schemas:core:2.0:User (RFC 7643 §8.7.1).
const SCHEMA_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9:._-]*[A-Za-z0-9]$/;
const WORD_START = /[A-Za-z$]/;
const WORD_CHAR = /[A-Za-z0-9_$.:-]/;
const WHITESPACE = /[ \t\r\n]/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// An unquoted comparison value (Microsoft's SCIM reference tests send `userName sw O` and
// `meta.created gt 2015-10-10T14:38:21.8617979-07:00`) runs to whitespace, a bracket or a quote.
const BARE_CHAR = /[^ \t\r\n()[\]"\u0000-\u001f\u007f]/;
const EXACT_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
// Looks like a number but is not a JSON one (01, 1., 1e, -): ambiguous, so still an error.
const NUMBER_LIKE = /^-?[0-9]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?$/;

type Token =
  | { kind: "(" | ")" | "[" | "]" | "eof"; pos: number }
  | { kind: "word"; pos: number; text: string }
  | { kind: "subAttr"; pos: number; text: string }
  | { kind: "string"; pos: number; text: string; value: string }
  | { kind: "number"; pos: number; text: string; value: number };

type ErrorFactory = (detail: string) => ScimError;

interface Syntax {
  /** "filter" or "PATCH path": used in error messages. */
  what: string;
  error: ErrorFactory;
}

const FILTER_SYNTAX: Syntax = { what: "filter", error: invalidFilter };
const PATH_SYNTAX: Syntax = { what: "PATCH path", error: invalidPath };

/** Parses a `filter` query parameter or `/.search` filter (RFC 7644 §3.4.2.2). */
export function parseFilter(input: string): Filter {
  return guard(FILTER_SYNTAX, input, (parser) => {
    const filter = parser.parseOr();
    parser.expectEnd("'and', 'or' or the end of the filter");
    return filter;
  });
}

/** Parses a PATCH operation's `path` (RFC 7644 §3.5.2: PATH = attrPath / valuePath [subAttr]). */
export function parsePatchPath(input: string): PatchPath {
  return guard(PATH_SYNTAX, input, (parser) => {
    const result = parser.parsePatchPath();
    parser.expectEnd("the end of the path");
    return result;
  });
}

// Every failure, including ones this code did not foresee, surfaces as the caller's SCIM error
// type: a filter from the network must never become a 500.
function guard<T>(syntax: Syntax, input: string, run: (parser: Parser) => T): T {
  if (typeof input !== "string") throw syntax.error(`The ${syntax.what} must be a string.`);
  if (input.length > MAX_FILTER_LENGTH) {
    throw syntax.error(
      `The ${syntax.what} is ${input.length} characters long; the maximum is ${MAX_FILTER_LENGTH}.`,
    );
  }
  if (input.trim() === "") throw syntax.error(`The ${syntax.what} is empty.`);
  try {
    return run(new Parser(input, syntax));
  } catch (err) {
    if (err instanceof ScimError) throw err;
    throw syntax.error(`The ${syntax.what} could not be parsed.`);
  }
}

class Parser {
  // Tokens are read as the parser asks for them: whether a bare word is a name or a value depends
  // on where the parser is (`userName eq eq` compares the attribute userName with "eq").
  private readonly tokens: Token[] = [];
  private readonly lexer: Lexer;
  private index = 0;
  private depth = 0;
  private nodes = 0;
  private inBrackets = false;

  constructor(
    private readonly input: string,
    private readonly syntax: Syntax,
  ) {
    this.lexer = new Lexer(input, (pos, detail) => this.fail(pos, detail));
  }

  parseOr(): Filter {
    let left = this.parseAnd();
    while (this.peekKeyword("or")) {
      this.index++;
      const right = this.parseAnd();
      left = this.node({ kind: "or", left, right });
    }
    return left;
  }

  parsePatchPath(): PatchPath {
    const path = this.parseAttrPath(this.expectWord("an attribute name"));
    if (this.peek().kind !== "[") return { path };
    const valueFilter = this.parseBracket(path);
    const sub = this.peek();
    if (sub.kind !== "subAttr") return { path, valueFilter };
    this.index++;
    return { path, valueFilter, subAttr: this.checkSubAttr(sub) };
  }

  expectEnd(expected: string): void {
    const token = this.peek();
    if (token.kind === "eof") return;
    if (token.kind === ")") this.fail(token.pos, "')' has no matching '('.");
    if (token.kind === "]") this.fail(token.pos, "']' has no matching '['.");
    this.fail(token.pos, `expected ${expected}, found ${describe(token)}.`);
  }

  private parseAnd(): Filter {
    let left = this.parseUnary();
    while (this.peekKeyword("and")) {
      this.index++;
      const right = this.parseUnary();
      left = this.node({ kind: "and", left, right });
    }
    return left;
  }

  private parseUnary(): Filter {
    const token = this.peek();
    if (token.kind === "(") {
      this.index++;
      return this.parseGroup(token.pos);
    }
    if (token.kind !== "word") {
      this.fail(
        token.pos,
        `expected an attribute name, '(' or 'not', found ${describe(token, this.previous())}.`,
      );
    }
    if (token.text.toLowerCase() === "not") {
      const next = this.peek(1);
      if (next.kind === "(") {
        this.index += 2;
        return this.node({ kind: "not", filter: this.parseGroup(next.pos) });
      }
      // RFC 7644 §3.4.2.2 only defines "not" with parentheses: `not (title pr)`.
      if (next.kind === "word" && !isOperator(next.text)) {
        this.fail(next.pos, "expected '(' after 'not': write not (expression).");
      }
    }
    this.index++;
    const path = this.parseAttrPath(token);
    if (this.peek().kind !== "[") return this.parseAttrExp(path, token.text);

    const valueFilter = this.parseBracket(path);
    const sub = this.peek();
    if (sub.kind !== "subAttr") return this.node({ kind: "valuePath", path, filter: valueFilter });

    // Entra ID sends `emails[type eq "work"].value eq "x"`: "an element whose type is work and
    // whose value is x", i.e. both conditions on the same element.
    this.index++;
    const subPath: AttrPath = { attr: this.checkSubAttr(sub) };
    const subTest = this.parseAttrExp(subPath, `${token.text}[…].${sub.text}`);
    return this.node({
      kind: "valuePath",
      path,
      filter: this.node({ kind: "and", left: valueFilter, right: subTest }),
    });
  }

  /** After '(' has been consumed: expression and the closing ')'. */
  private parseGroup(openPos: number): Filter {
    this.enter(openPos);
    const inner = this.parseOr();
    const close = this.peek();
    if (close.kind !== ")") {
      this.fail(
        close.pos,
        `expected ')' to close the '(' at position ${openPos + 1}, found ${describe(close)}.`,
      );
    }
    this.index++;
    this.depth--;
    return inner;
  }

  /** At '[': the value filter of `attr[...]` and the closing ']'. */
  private parseBracket(path: AttrPath): Filter {
    const open = this.peek();
    if (this.inBrackets) {
      this.fail(open.pos, "value filters cannot be nested ('[' inside '[...]').");
    }
    if (path.subAttr !== undefined) {
      this.fail(
        open.pos,
        `'[' must follow a multi-valued attribute, not the sub-attribute '${path.attr}.${path.subAttr}'.`,
      );
    }
    this.index++;
    this.enter(open.pos);
    this.inBrackets = true;
    const inner = this.parseOr();
    this.inBrackets = false;
    const close = this.peek();
    if (close.kind !== "]") {
      this.fail(
        close.pos,
        `expected ']' to close the '[' at position ${open.pos + 1}, found ${describe(close)}.`,
      );
    }
    this.index++;
    this.depth--;
    return inner;
  }

  /** `pr`, or a comparison operator and its value, after an attribute path. */
  private parseAttrExp(path: AttrPath, label: string): Filter {
    const opToken = this.peek();
    if (opToken.kind !== "word" || !isOperator(opToken.text)) {
      this.fail(
        opToken.pos,
        `expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after '${label}', found ${describe(opToken)}.`,
      );
    }
    this.index++;
    const op = opToken.text.toLowerCase();
    if (op === "pr") return this.node({ kind: "present", path });
    const value = this.parseValue(op, opToken);
    return this.node({ kind: "compare", path, op: op as CompareOp, value });
  }

  private parseValue(op: string, opToken: Extract<Token, { kind: "word" }>): FilterValue {
    // Read what follows the operator as a value, dropping anything read ahead as names.
    this.tokens.length = this.index;
    const token = this.lexer.value(opToken.pos + opToken.text.length);
    this.tokens.push(token);
    this.index++;
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (token.kind === "word") {
      const keyword = token.text.toLowerCase();
      if (keyword === "true") return true;
      if (keyword === "false") return false;
      if (keyword === "null") return null;
      this.fail(
        token.pos,
        `expected a value after '${op}', found '${clip(token.text)}': strings must be in double quotes.`,
      );
    }
    return this.fail(
      token.pos,
      `expected a value after '${op}' (a "string", number, true, false or null), found ${describe(token)}.`,
    );
  }

  /**
   * `attr`, `attr.sub` or `<schema URN>:attr[.sub]`. The URN itself contains ':' and '.'
   * (e.g. "…:enterprise:2.0:User"), so the attribute is what follows the last ':'
   * (RFC 7644 §3.10: the fully qualified name is the URN, ':', then the attribute path).
   */
  private parseAttrPath(token: Extract<Token, { kind: "word" }>): AttrPath {
    const text = token.text;
    const colon = text.lastIndexOf(":");
    const schema = colon === -1 ? undefined : text.slice(0, colon);
    const names = text.slice(colon + 1).split(".");
    if (schema !== undefined && !SCHEMA_URI.test(schema)) {
      this.fail(token.pos, `'${clip(schema)}' is not a valid schema URI in '${clip(text)}'.`);
    }
    if (names.length > 2) {
      this.fail(
        token.pos,
        `'${clip(text)}' has more than one sub-attribute; SCIM attribute paths are attr or attr.subAttr.`,
      );
    }
    const [attr = "", subAttr] = names;
    for (const name of names) {
      if (!ATTR_NAME.test(name)) {
        this.fail(
          token.pos,
          name === ""
            ? `'${clip(text)}' is missing an attribute name.`
            : `'${clip(name)}' is not a valid attribute name (letters, digits, '-', '_'; starting with a letter).`,
        );
      }
    }
    const path: AttrPath = { attr };
    if (schema !== undefined) path.schema = schema;
    if (subAttr !== undefined) path.subAttr = subAttr;
    return path;
  }

  private checkSubAttr(token: Extract<Token, { kind: "subAttr" }>): string {
    if (!ATTR_NAME.test(token.text)) {
      this.fail(token.pos, `'.${clip(token.text)}' is not a valid sub-attribute.`);
    }
    return token.text;
  }

  private expectWord(expected: string): Extract<Token, { kind: "word" }> {
    const token = this.peek();
    if (token.kind !== "word") this.fail(token.pos, `expected ${expected}, found ${describe(token)}.`);
    this.index++;
    return token;
  }

  private enter(pos: number): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) {
      this.fail(pos, `the ${this.syntax.what} is nested more than ${MAX_FILTER_DEPTH} levels deep.`);
    }
  }

  private node(filter: Filter): Filter {
    this.nodes++;
    if (this.nodes > MAX_FILTER_NODES) {
      throw this.syntax.error(
        `The ${this.syntax.what} is too complex: more than ${MAX_FILTER_NODES} expressions.`,
      );
    }
    return filter;
  }

  private peek(ahead = 0): Token {
    while (this.tokens.length <= this.index + ahead) {
      const last = this.tokens[this.tokens.length - 1];
      if (last?.kind === "eof") return last;
      this.tokens.push(this.lexer.next());
    }
    return this.tokens[this.index + ahead] as Token;
  }

  private previous(): Token | undefined {
    return this.tokens[this.index - 1];
  }

  private peekKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === "word" && token.text.toLowerCase() === keyword;
  }

  private fail(pos: number, detail: string): never {
    throw this.syntax.error(`Invalid ${this.syntax.what} at position ${pos + 1}: ${detail}`);
  }
}

function isOperator(word: string): boolean {
  const lower = word.toLowerCase();
  return lower === "pr" || COMPARE_OPS.has(lower);
}

class Lexer {
  private pos = 0;

  constructor(
    private readonly input: string,
    private readonly fail: (pos: number, detail: string) => never,
  ) {}

  /** The next token; at the end, eof. */
  next(): Token {
    const { input, fail } = this;
    this.skipWhitespace();
    const pos = this.pos;
    if (pos >= input.length) return { kind: "eof", pos: input.length };
    const ch = input.charAt(pos);
    if (ch === "(" || ch === ")" || ch === "[" || ch === "]") {
      this.pos++;
      return { kind: ch, pos };
    }
    if (ch === '"') {
      const { value, end } = readString(input, pos, fail);
      this.pos = end;
      return { kind: "string", pos, text: input.slice(pos, end), value };
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      NUMBER.lastIndex = pos;
      const match = NUMBER.exec(input);
      const text = match?.[0] ?? "";
      const nextCh = input.charAt(pos + text.length);
      if (text === "" || text === "-" || /[0-9.eE]/.test(nextCh)) {
        fail(pos, `invalid number '${clip(readWord(input, pos, /[0-9A-Za-z.+-]/))}'.`);
      }
      const value = Number(text);
      if (!Number.isFinite(value)) fail(pos, `the number '${clip(text)}' is out of range.`);
      this.pos += text.length;
      return { kind: "number", pos, text, value };
    }
    if (WORD_START.test(ch)) {
      const text = readWord(input, pos, WORD_CHAR);
      this.pos += text.length;
      return { kind: "word", pos, text };
    }
    if (ch === "." && WORD_START.test(input.charAt(pos + 1))) {
      // Only meaningful right after ']' (`emails[type eq "work"].value`); the parser checks.
      const text = readWord(input, pos + 1, WORD_CHAR);
      this.pos += 1 + text.length;
      return { kind: "subAttr", pos, text };
    }
    return fail(pos, unexpectedCharacter(ch));
  }

  /**
   * The comparison value starting at `from` (just after the operator). Besides a "string",
   * a number, true, false or null, an unquoted value is accepted as a string — compared as a
   * date-time where the attribute is one. Strict filters read exactly as before.
   */
  value(from: number): Token {
    this.pos = from;
    this.skipWhitespace();
    const pos = this.pos;
    const ch = this.input.charAt(pos);
    if (!(WORD_START.test(ch) || ch === "-" || (ch >= "0" && ch <= "9"))) return this.next();
    const text = readWord(this.input, pos, BARE_CHAR);
    if (EXACT_NUMBER.test(text) || NUMBER_LIKE.test(text)) return this.next(); // a number, or its error
    this.pos += text.length;
    if (/^(?:true|false|null)$/i.test(text)) return { kind: "word", pos, text };
    return { kind: "string", pos, text, value: text };
  }

  private skipWhitespace(): void {
    while (this.pos < this.input.length && WHITESPACE.test(this.input.charAt(this.pos))) this.pos++;
  }
}

function readWord(input: string, start: number, chars: RegExp): string {
  let end = start;
  while (end < input.length && chars.test(input.charAt(end))) end++;
  return input.slice(start, end);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** A JSON string literal (RFC 7644 §3.4.2.2 compValue → RFC 8259 §7) starting at `start`. */
function readString(
  input: string,
  start: number,
  fail: (pos: number, detail: string) => never,
): { value: string; end: number } {
  let value = "";
  let pos = start + 1;
  while (pos < input.length) {
    const ch = input.charAt(pos);
    if (ch === '"') return { value, end: pos + 1 };
    if (ch === "\\") {
      const esc = input.charAt(pos + 1);
      const simple = Object.hasOwn(SIMPLE_ESCAPES, esc) ? SIMPLE_ESCAPES[esc] : undefined;
      if (simple !== undefined) {
        value += simple;
        pos += 2;
      } else if (esc === "u" && /^[0-9A-Fa-f]{4}$/.test(input.slice(pos + 2, pos + 6))) {
        value += String.fromCharCode(parseInt(input.slice(pos + 2, pos + 6), 16));
        pos += 6;
      } else {
        fail(
          pos,
          `invalid escape '\\${esc}' in string (JSON escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX).`,
        );
      }
    } else if (ch < " ") {
      fail(pos, "control characters must be escaped inside strings.");
    } else {
      value += ch;
      pos++;
    }
  }
  return fail(start, "string is not terminated (missing closing '\"').");
}

function unexpectedCharacter(ch: string): string {
  if ("=!<>".includes(ch)) {
    return `unexpected '${ch}': SCIM filters use the operators eq, ne, gt, ge, lt, le.`;
  }
  if (ch === "'") return 'unexpected "\'": strings must be in double quotes.';
  if (ch === "&" || ch === "|") return `unexpected '${ch}': use 'and' / 'or'.`;
  const code = ch.charCodeAt(0);
  const shown = code < 32 || code === 127 ? `\\u${code.toString(16).padStart(4, "0")}` : ch;
  return `unexpected character '${shown}'.`;
}

function describe(token: Token, previous?: Token): string {
  switch (token.kind) {
    case "eof":
      return previous?.kind === "word"
        ? `the end of the input after '${clip(previous.text)}'`
        : "the end of the input";
    case "word":
    case "string":
    case "number":
      return `'${clip(token.text)}'`;
    case "subAttr":
      return `'.${clip(token.text)}'`;
    default:
      return `'${token.kind}'`;
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
