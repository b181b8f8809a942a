// Generates aes-ige.wat (AES-256-IGE on 32-bit T-tables, no SIMD, no imports) and assembles it
// with the `wabt` npm package into aes-ige-wasm.ts (the binary as base64), both committed.
// Reproducible: `node src/crypto/wasm/generate.mjs` rewrites the same two files byte for byte;
// `--check` only compares them with what it would write and exits 1 on any difference.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Memory layout (bytes). Tables and round keys are written by the JS wrapper.
export const LAYOUT = { TE: 0, TD: 4096, SBOX: 8192, INV_SBOX: 8448, RK: 8704, IV: 8960, DATA: 16384 };
const { TE, TD, SBOX, INV_SBOX, RK, IV, DATA } = LAYOUT;

// Byte index of a state word, pre-shifted to a table offset (index * 4).
const lane = (s, k) =>
  k === 0
    ? `(i32.shl (i32.and (local.get ${s}) (i32.const 255)) (i32.const 2))`
    : k === 3
      ? `(i32.and (i32.shr_u (local.get ${s}) (i32.const 22)) (i32.const 1020))`
      : `(i32.and (i32.shr_u (local.get ${s}) (i32.const ${8 * k - 2})) (i32.const 1020))`;
// Byte index of a state word for the byte-wide S-box.
const byteLane = (s, k) =>
  k === 0 ? `(i32.and (local.get ${s}) (i32.const 255))` : k === 3 ? `(i32.shr_u (local.get ${s}) (i32.const 24))` : `(i32.and (i32.shr_u (local.get ${s}) (i32.const ${8 * k})) (i32.const 255))`;

// Column j of a round reads state words order[j][0..3] through T0..T3 (noble/OpenSSL LE form).
const ENC_ORDER = [['$s0', '$s1', '$s2', '$s3'], ['$s1', '$s2', '$s3', '$s0'], ['$s2', '$s3', '$s0', '$s1'], ['$s3', '$s0', '$s1', '$s2']];
const DEC_ORDER = [['$s0', '$s3', '$s2', '$s1'], ['$s1', '$s0', '$s3', '$s2'], ['$s2', '$s1', '$s0', '$s3'], ['$s3', '$s2', '$s1', '$s0']];

function middleRound(order, table) {
  const cols = order.map((words, j) => {
    const loads = words.map((w, k) => `(i32.load offset=${table + 1024 * k} ${lane(w, k)})`);
    return `(local.set $t${j} (i32.xor (i32.xor (i32.xor ${loads[0]} ${loads[1]}) (i32.xor ${loads[2]} ${loads[3]})) (i32.load offset=${4 * j} (local.get $rk))))`;
  });
  return [...cols, '(local.set $s0 (local.get $t0)) (local.set $s1 (local.get $t1)) (local.set $s2 (local.get $t2)) (local.set $s3 (local.get $t3))'].join('\n        ');
}

function lastRound(order, sbox) {
  return order
    .map((words, j) => {
      const bytes = words.map((w, k) => {
        const load = `(i32.load8_u offset=${sbox} ${byteLane(w, k)})`;
        return k === 0 ? load : `(i32.shl ${load} (i32.const ${8 * k}))`;
      });
      return `(local.set $t${j} (i32.xor (i32.or (i32.or ${bytes[0]} ${bytes[1]}) (i32.or ${bytes[2]} ${bytes[3]})) (i32.load offset=${RK + 224 + 4 * j} (i32.const 0))))`;
    })
    .join('\n      ');
}

/**
 * IGE over `n` bytes at DATA, in place. Encrypt: x = p ^ c_prev; c = E(x) ^ p_prev.
 * Decrypt: x = c ^ p_prev; p = D(x) ^ c_prev. The IV area holds c_prev ‖ p_prev.
 */
function igeFunction(name, order, table, sbox, encrypt) {
  const inChain = encrypt ? '$c' : '$p'; // XORed into the cipher input
  const outChain = encrypt ? '$p' : '$c'; // XORed into the cipher output
  return `
  (func $${name} (export "${name}") (param $n i32)
    (local $off i32) (local $end i32) (local $rk i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    ${[0, 1, 2, 3].map((i) => `(local.set $c${i} (i32.load offset=${IV + 4 * i} (i32.const 0)))`).join(' ')}
    ${[0, 1, 2, 3].map((i) => `(local.set $p${i} (i32.load offset=${IV + 16 + 4 * i} (i32.const 0)))`).join(' ')}
    (local.set $off (i32.const ${DATA}))
    (local.set $end (i32.add (i32.const ${DATA}) (local.get $n)))
    (block $done
      (loop $block
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        ${[0, 1, 2, 3].map((i) => `(local.set $x${i} (i32.load offset=${4 * i} (local.get $off)))`).join(' ')}
        ${[0, 1, 2, 3].map((i) => `(local.set $s${i} (i32.xor (i32.xor (local.get $x${i}) (local.get ${inChain}${i})) (i32.load offset=${RK + 4 * i} (i32.const 0))))`).join('\n        ')}
        (local.set $rk (i32.const ${RK + 16}))
        (loop $round
          ${middleRound(order, table)}
          (local.set $rk (i32.add (local.get $rk) (i32.const 16)))
          (br_if $round (i32.lt_u (local.get $rk) (i32.const ${RK + 224}))))
        ${lastRound(order, sbox)}
        ${[0, 1, 2, 3].map((i) => `(local.set ${encrypt ? '$c' : '$p'}${i} (i32.xor (local.get $t${i}) (local.get ${outChain}${i})))`).join(' ')}
        ${[0, 1, 2, 3].map((i) => `(i32.store offset=${4 * i} (local.get $off) (local.get ${encrypt ? '$c' : '$p'}${i}))`).join(' ')}
        ${[0, 1, 2, 3].map((i) => `(local.set ${encrypt ? '$p' : '$c'}${i} (local.get $x${i}))`).join(' ')}
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $block)))
    ${[0, 1, 2, 3].map((i) => `(i32.store offset=${IV + 4 * i} (i32.const 0) (local.get $c${i}))`).join(' ')}
    ${[0, 1, 2, 3].map((i) => `(i32.store offset=${IV + 16 + 4 * i} (i32.const 0) (local.get $p${i}))`).join(' ')})`;
}

const wat = `;; Generated by generate.mjs: AES-256-IGE with 32-bit T-tables (little-endian words, the same
;; round-key layout as @noble/ciphers' expandKeyLE / expandKeyDecLE). Do not edit by hand.
(module
  (memory (export "memory") 1)${igeFunction('ige_encrypt', ENC_ORDER, TE, SBOX, true)}${igeFunction('ige_decrypt', DEC_ORDER, TD, INV_SBOX, false)}
)
`;

const wabt = await createRequire(import.meta.url)('wabt')();
const parsed = wabt.parseWat('aes-ige.wat', wat);
parsed.validate();
const { buffer } = parsed.toBinary({ write_debug_names: false });
parsed.destroy();
const outputs = {
  'aes-ige.wat': wat,
  'aes-ige-wasm.ts':
    `// Generated by generate.mjs from aes-ige.wat with wabt 1.0.39 (${buffer.length} bytes). Do not edit.\n` +
    `export const AES_IGE_WASM_BASE64 = '${Buffer.from(buffer).toString('base64')}';\n` +
    `export const AES_IGE_WASM_LAYOUT = ${JSON.stringify(LAYOUT)} as const;\n`,
};
if (process.argv.includes('--check')) {
  const stale = Object.entries(outputs).filter(([file, text]) => readFileSync(join(here, file), 'utf8') !== text);
  if (stale.length > 0) {
    console.error(`stale generated files: ${stale.map(([file]) => file).join(', ')}; run node src/crypto/wasm/generate.mjs`);
    process.exit(1);
  }
  console.log('generated WASM files are up to date');
} else {
  for (const [file, text] of Object.entries(outputs)) writeFileSync(join(here, file), text);
  console.log(`aes-ige.wasm: ${buffer.length} bytes`);
}
