/** fast-check arbitraries for any TL entry, derived from the parsed schema model. */
import fc from 'fast-check';
import { camelCase } from '../../src/tl/codegen/generator.js';
import type { TlEntry, TlTypeRef } from '../../src/tl/codegen/parser.js';

export function makeArbitraries(entries: TlEntry[]) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const byType = new Map<string, TlEntry[]>();
  for (const e of entries) {
    if (e.kind !== 'constructor' || e.resultName === 'Object' || e.id === 0) continue;
    byType.set(e.resultName, [...(byType.get(e.resultName) ?? []), e]);
  }
  // Leaf constructors (no object fields) keep recursion bounded.
  const leafOf = (members: TlEntry[]) => members.filter((m) => m.params.every((p) => p.isFlags || p.type.kind === 'primitive'));

  function valueOf(ref: TlTypeRef, depth: number): fc.Arbitrary<unknown> {
    switch (ref.kind) {
      case 'primitive':
        switch (ref.name) {
          case 'int':
            return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
          case 'long':
            return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
          case 'double':
            return fc.double({ noNaN: true });
          case 'int128':
            return fc.uint8Array({ minLength: 16, maxLength: 16 });
          case 'int256':
            return fc.uint8Array({ minLength: 32, maxLength: 32 });
          case 'string':
            return fc.string({ maxLength: 300, unit: 'grapheme' });
          case 'bytes':
            return fc.uint8Array({ maxLength: 300 });
          case 'Bool':
            return fc.boolean();
          case 'true':
            return fc.constant(true);
        }
        break;
      case 'vector':
        return depth > 2 ? fc.constant([]) : fc.array(valueOf(ref.of, depth + 1), { maxLength: 3 });
      case 'object': {
        if (ref.bare) {
          const members = byType.get(ref.name);
          return objectOf(members ? members[0] : byName.get(ref.name)!, depth + 1);
        }
        const members = byType.get(ref.name);
        if (!members) return objectOf(byName.get('inputPeerSelf')!, depth + 1);
        const pool = depth > 2 && leafOf(members).length ? leafOf(members) : members;
        return fc.oneof(...pool.slice(0, 6).map((m) => objectOf(m, depth + 1)));
      }
      default:
        return objectOf(byName.get('help.getConfig')!, depth + 1);
    }
    throw new Error(`no arbitrary for ${JSON.stringify(ref)}`);
  }

  function objectOf(entry: TlEntry, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const p of entry.params) {
      if (p.isFlags) continue;
      const key = camelCase(p.name);
      if (p.condition && p.type.kind === 'primitive' && p.type.name === 'true') {
        shape[key] = fc.boolean();
      } else {
        shape[key] = valueOf(p.type, depth);
      }
    }
    // Fields that share one flag bit are present or absent together, as on the wire.
    const groups = new Map<string, string[]>();
    for (const p of entry.params) {
      if (!p.condition || (p.type.kind === 'primitive' && p.type.name === 'true')) continue;
      const bit = `${p.condition.field}.${p.condition.bit}`;
      groups.set(bit, [...(groups.get(bit) ?? []), camelCase(p.name)]);
    }
    const trueFlags = new Map<string, string[]>();
    for (const p of entry.params) {
      if (!p.condition || !(p.type.kind === 'primitive' && p.type.name === 'true')) continue;
      const bit = `${p.condition.field}.${p.condition.bit}`;
      if (groups.has(bit)) trueFlags.set(bit, [...(trueFlags.get(bit) ?? []), camelCase(p.name)]);
    }
    const presence = fc.array(fc.boolean(), { minLength: groups.size, maxLength: groups.size });
    return fc.tuple(fc.record(shape), presence).map(([fields, present]) => {
      const value: Record<string, unknown> = { _: entry.name, ...fields };
      [...groups.entries()].forEach(([bit, keys], i) => {
        if (!present[i]) for (const key of keys) delete value[key];
        // A `true` flag on the same bit as a value field mirrors the field's presence.
        for (const flag of trueFlags.get(bit) ?? []) value[flag] = present[i];
      });
      return value;
    });
  }

  return { objectOf: (entry: TlEntry) => objectOf(entry, 0) };
}
