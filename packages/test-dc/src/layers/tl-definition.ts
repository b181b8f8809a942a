/** A parsed TL constructor line (`name#id a:int flags:# b:flags.0?string ... = Type;`). */

export interface TlParam {
  /** camelCase, as in the object model. */
  key: string;
  /** `#`, `int`, `Vector<User>`, `true`... (without the flag condition). */
  type: string;
  /** For conditional fields: the flags field and bit. */
  flag?: { field: string; bit: number };
}

export interface TlDefinition {
  name: string;
  id: number;
  params: TlParam[];
}

export function parseTlLine(line: string): TlDefinition {
  const match = /^([\w.]+)#([0-9a-f]+)\s*(.*?)\s*=\s*[\w.<>]+;$/.exec(line.trim());
  if (!match) throw new Error(`not a TL constructor line: ${line}`);
  const params: TlParam[] = [];
  for (const part of match[3].split(/\s+/).filter((item) => item !== '' && !item.startsWith('{'))) {
    const colon = part.indexOf(':');
    const key = camel(part.slice(0, colon));
    let type = part.slice(colon + 1);
    const conditional = /^(\w+)\.(\d+)\?(.+)$/.exec(type);
    if (conditional) {
      type = conditional[3];
      params.push({ key, type, flag: { field: camel(conditional[1]), bit: Number(conditional[2]) } });
    } else {
      params.push({ key, type });
    }
  }
  return { name: match[1], id: parseInt(match[2], 16) >>> 0, params };
}

export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
