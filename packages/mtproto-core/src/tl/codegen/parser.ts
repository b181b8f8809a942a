/**
 * TL schema text -> model. Handles `#` flags fields (several per entry), conditional fields
 * (`flags2.3?Type`), `true` flags, `Vector<T>` and bare `vector<t>`, `%T`, generics `{X:Type}` with
 * `!X`, and `// @description` / `// @param name text` doc comments above an entry.
 */

export type TlTypeRef =
  | { kind: 'primitive'; name: 'int' | 'long' | 'double' | 'int128' | 'int256' | 'string' | 'bytes' | 'Bool' | 'true' }
  | { kind: 'vector'; boxed: boolean; of: TlTypeRef }
  | { kind: 'object'; name: string; bare: boolean }
  | { kind: 'any' }
  | { kind: 'generic'; name: string };

export interface TlParam {
  name: string;
  /** `#`: a flags field; its value is computed from the conditional fields that refer to it. */
  isFlags: boolean;
  /** For conditional fields: the flags field name and bit. */
  condition?: { field: string; bit: number };
  type: TlTypeRef;
  comment?: string;
}

export interface TlEntry {
  kind: 'constructor' | 'method';
  name: string;
  id: number;
  params: TlParam[];
  /** Constructor: the type it belongs to. Method: its result type. */
  result: TlTypeRef;
  resultName: string;
  generics: string[];
  comment?: string;
  schema: string;
}

const PRIMITIVES = new Set(['int', 'long', 'double', 'int128', 'int256', 'string', 'bytes', 'Bool', 'true']);

export function parseTypeRef(text: string, generics: readonly string[]): TlTypeRef {
  if (text.startsWith('!')) return { kind: 'generic', name: text.slice(1) };
  if (generics.includes(text)) return { kind: 'generic', name: text };
  const vector = /^(Vector|vector)<(.+)>$/.exec(text);
  if (vector) return { kind: 'vector', boxed: vector[1] === 'Vector', of: parseTypeRef(vector[2], generics) };
  if (PRIMITIVES.has(text)) return { kind: 'primitive', name: text as 'int' };
  if (text === 'Object') return { kind: 'any' };
  if (text.startsWith('%')) return { kind: 'object', name: text.slice(1), bare: true };
  const last = text.split('.').pop() ?? text;
  const bare = last[0] === last[0].toLowerCase();
  return { kind: 'object', name: text, bare };
}

export function parseSchema(text: string, schema: string): TlEntry[] {
  const entries: TlEntry[] = [];
  let section: 'constructor' | 'method' = 'constructor';
  let comments: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (line === '---functions---') {
      section = 'method';
      comments = [];
      continue;
    }
    if (line === '---types---') {
      section = 'constructor';
      comments = [];
      continue;
    }
    if (line.startsWith('//')) {
      comments.push(line.slice(2).trim());
      continue;
    }
    entries.push(parseEntry(line, section, comments, schema));
    comments = [];
  }
  return entries;
}

function parseEntry(line: string, kind: 'constructor' | 'method', comments: string[], schema: string): TlEntry {
  const match = /^([\w.]+)(?:#([0-9a-f]{1,8}))?\s*(.*?)\s*=\s*([^;]+);$/.exec(line);
  if (!match) throw new Error(`cannot parse TL line: ${line}`);
  const [, name, hexId, body, resultText] = match;
  const generics: string[] = [];
  const params: TlParam[] = [];
  const paramComments = new Map<string, string>();
  let comment: string | undefined;
  for (const c of comments) {
    if (c.startsWith('@description ')) comment = c.slice(13);
    else if (c.startsWith('@param ')) {
      const [, paramName, ...rest] = c.split(' ');
      paramComments.set(paramName, rest.join(' '));
    }
  }
  for (const token of body.split(/\s+/).filter(Boolean)) {
    const generic = /^\{(\w+):Type\}$/.exec(token);
    if (generic) {
      generics.push(generic[1]);
      continue;
    }
    const colon = token.indexOf(':');
    if (colon < 0) throw new Error(`cannot parse TL parameter ${token} in: ${line}`);
    const paramName = token.slice(0, colon);
    let typeText = token.slice(colon + 1);
    const param: TlParam = { name: paramName, isFlags: typeText === '#', type: { kind: 'primitive', name: 'int' } };
    const conditional = /^(\w+)\.(\d+)\?(.+)$/.exec(typeText);
    if (conditional) {
      param.condition = { field: conditional[1], bit: Number(conditional[2]) };
      typeText = conditional[3];
    }
    if (!param.isFlags) param.type = parseTypeRef(typeText, generics);
    const paramComment = paramComments.get(paramName);
    if (paramComment) param.comment = paramComment;
    params.push(param);
  }
  return {
    kind,
    name,
    // An entry without an id (MTProto's `message`) can only be used bare.
    id: hexId ? parseInt(hexId, 16) >>> 0 : 0,
    params,
    result: parseTypeRef(resultText, generics),
    resultName: resultText,
    generics,
    comment,
    schema,
  };
}
