// Crypto suite: AES-256-IGE, AES-256-CTR, SHA-256, 2048-bit modexp, pq factorisation and the
// client-side CPU of an auth-key exchange, for our Node and portable providers side by side with a
// native reference (`openssl speed`) and the fastest IGE published on npm (@mtcute/wasm).
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  bigIntToBytes,
  checkDhParams,
  createNodeCryptoProvider,
  nativeIgeStatus,
  wasmIgeAvailable,
  checkDhValue,
  computeNewNonceHash,
  deriveTmpAesKeyIv,
  factorizePq,
  isPrimeSmall,
  nodeCryptoProvider,
  portableCryptoProvider,
  randomBigIntBelow,
  rsaPad,
  TELEGRAM_DH_PRIME,
  telegramRsaKeys,
} from '@x/mtproto-core';

const SIZES = [1024, 64 * 1024, 512 * 1024];
const KIB = (n) => `${n / 1024} KiB`;
const providers = [nodeCryptoProvider, portableCryptoProvider];
/** The Node provider without the AES-NI addon: CBC rewrite for encryption, JS for decryption. */
const nodeNoAddon = createNodeCryptoProvider({ nativeAddon: false });

export async function run(ctx) {
  const { throughput, timePerCall, figure, withRatio, median, log } = ctx;
  const figures = [];
  const mtcute = await loadMtcute(log);
  log(`node provider IGE: ${nativeIgeStatus}; portable IGE: ${wasmIgeAvailable() ? 'our WebAssembly' : 'JS (no WebAssembly)'}; MB/s = 10^6 bytes/s`);

  // --- AES-256-IGE ---------------------------------------------------------------------------
  const key = randomBytes(32);
  const iv = randomBytes(32);
  const data = Object.fromEntries(SIZES.map((n) => [n, randomBytes(n)]));
  verifyIge(mtcute, key, iv, data);
  const native = opensslCbc(log);
  const igeCases = [];
  for (const size of SIZES) {
    const plain = data[size];
    const cipher = nodeCryptoProvider.aesIgeEncrypt(plain, key, iv);
    for (const p of [...providers, nodeNoAddon]) {
      igeCases.push({ name: `ige enc ${p.name} ${KIB(size)}`, bytes: size, fn: () => p.aesIgeEncrypt(plain, key, iv) });
      igeCases.push({ name: `ige dec ${p.name} ${KIB(size)}`, bytes: size, fn: () => p.aesIgeDecrypt(cipher, key, iv) });
    }
    // Native sequential reference measured interleaved with the cases (openssl speed runs apart).
    igeCases.push({ name: `native node aes-256-cbc ${KIB(size)}`, bytes: size, fn: () => cbcOnce(plain, key, iv) });
    if (mtcute) {
      igeCases.push({ name: `ige enc mtcute-wasm ${KIB(size)}`, bytes: size, fn: () => mtcute.ige256Encrypt(plain, key, iv) });
      igeCases.push({ name: `ige dec mtcute-wasm ${KIB(size)}`, bytes: size, fn: () => mtcute.ige256Decrypt(cipher, key, iv) });
    }
  }
  const ige = new Map(throughput(igeCases).map((f) => [f.name, f]));
  for (const size of SIZES) {
    const ref = native.get(size);
    const last = size === SIZES[SIZES.length - 1];
    if (ref) figures.push(ref);
    const inProcess = ige.get(`native node aes-256-cbc ${KIB(size)}`);
    figures.push({ ...inProcess, note: 'reference, interleaved' });
    for (const dir of ['enc', 'dec']) {
      const wasm = ige.get(`ige ${dir} mtcute-wasm ${KIB(size)}`);
      if (wasm) figures.push(withRatio(wasm, ref));
      const nodeFig = ige.get(`ige ${dir} node ${KIB(size)}`);
      const portableFig = ige.get(`ige ${dir} portable ${KIB(size)}`);
      const fallbackFig = ige.get(`ige ${dir} node-no-addon ${KIB(size)}`);
      if (dir === 'enc') {
        figures.push(withRatio(nodeFig, ref, last ? { target: 0.5 } : {}));
        figures.push({ ...withRatio(nodeFig, inProcess), name: `${nodeFig.name} (vs interleaved)` });
        figures.push(withRatio(fallbackFig, ref, last ? { target: 0.5 } : {}));
      } else {
        figures.push(withRatio(nodeFig, wasm, last ? { target: 1.2 } : {}));
        figures.push(withRatio(fallbackFig, wasm));
      }
      figures.push(withRatio(portableFig, wasm, last ? { target: 1 } : {}));
    }
  }

  // --- AES-256-CTR: one long-lived stream per case, fed chunks of a given size -----------------
  const ctrCases = [];
  const ctrKey = randomBytes(32);
  const ctrIv = randomBytes(16);
  for (const size of SIZES) {
    const chunk = randomBytes(size);
    for (const p of providers) {
      const stream = p.createAesCtr(ctrKey, ctrIv);
      ctrCases.push({ name: `ctr ${p.name} ${KIB(size)}`, bytes: size, fn: () => stream.process(chunk) });
    }
    if (mtcute) {
      const ctx256 = mtcute.createCtr256(ctrKey, ctrIv);
      ctrCases.push({ name: `ctr mtcute-wasm ${KIB(size)}`, bytes: size, fn: () => mtcute.ctr256(ctx256, chunk) });
    }
  }
  const ctr = throughput(ctrCases, { rounds: 5, ms: 80 });
  for (const f of ctr) {
    const wasm = ctr.find((g) => g.name === f.name.replace(/ctr \S+/, 'ctr mtcute-wasm'));
    figures.push(f.name.includes('mtcute') ? f : withRatio(f, wasm));
  }

  // --- SHA-256 -----------------------------------------------------------------------------------
  const shaCases = [];
  for (const size of [52, 1024, 512 * 1024]) {
    const input = randomBytes(size);
    for (const p of providers) shaCases.push({ name: `sha256 ${p.name} ${size} B`, bytes: size, fn: () => p.sha256(input) });
    if (mtcute) shaCases.push({ name: `sha256 mtcute-wasm ${size} B`, bytes: size, fn: () => mtcute.sha256(input) });
  }
  figures.push(...throughput(shaCases, { rounds: 5, ms: 80 }));

  // --- 2048-bit modexp: g^a mod p with Telegram's prime, g = 3, a 2048-bit exponent -------------
  const t0 = performance.now();
  nodeCryptoProvider.modPow(3n, 5n << 2000n, TELEGRAM_DH_PRIME);
  log(`node modPow one-time setup for a new prime (OpenSSL DH_check): ${(performance.now() - t0).toFixed(0)} ms`);
  const exponent = randomBigIntBelow(nodeCryptoProvider, TELEGRAM_DH_PRIME);
  const gA = nodeCryptoProvider.modPow(3n, exponent, TELEGRAM_DH_PRIME);
  if (portableCryptoProvider.modPow(3n, exponent, TELEGRAM_DH_PRIME) !== gA) throw new Error('modPow providers disagree');
  const modexp = timePerCall(
    providers.map((p) => ({ name: `modexp 2048 ${p.name}`, fn: () => p.modPow(gA, exponent, TELEGRAM_DH_PRIME) })),
    { rounds: 7, ms: 250 },
  );
  for (const f of modexp) figures.push({ ...f, goal: f.name.endsWith('node') ? { text: '< 2 ms', pass: f.median < 2 } : undefined });

  // --- pq factorisation: 50 deterministic 61-63-bit pq from primes in [2^30, 2^31.5) -------------
  const pqs = deterministicPqs(50);
  const perPq = pqs.map(({ pq, p, q }) => {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const [a, b] = factorizePq(pq);
      runs.push(performance.now() - start);
      if (a !== p || b !== q) throw new Error(`factorizePq(${pq}) gave ${a} x ${b}`);
    }
    return median(runs);
  });
  figures.push(figure('pq factorisation (50 x 63-bit)', 'ms', perPq, { goal: { text: '< 2 ms median', pass: median(perPq) < 2 } }));

  // --- client-side CPU of one auth-key exchange, composed from the primitives --------------------
  for (const p of providers) {
    const exchange = timePerCall([{ name: `auth-key exchange CPU ${p.name}`, fn: () => clientExchange(p) }], { rounds: 7, ms: 300 })[0];
    figures.push({ ...exchange, goal: { text: '< 15 ms', pass: exchange.median < 15 } });
  }
  return figures;
}

function cbcOnce(plain, key, iv) {
  const cipher = createCipheriv('aes-256-cbc', key, iv.subarray(0, 16));
  cipher.setAutoPadding(false);
  cipher.update(plain);
  return cipher.final();
}

/** Everything the client computes in one handshake (spec §6.2), with the sample's pq and g_a. */
function clientExchange(crypto) {
  const pq = 0x130b7475669feb8bn;
  const [p, q] = factorizePq(pq);
  const nonce = crypto.randomBytes(16);
  const serverNonce = crypto.randomBytes(16);
  const newNonce = crypto.randomBytes(32);
  const inner = new Uint8Array(100);
  inner.set(bigIntToBytes(p), 16);
  inner.set(bigIntToBytes(q), 24);
  inner.set(nonce, 32);
  const encryptedData = rsaPad(crypto, inner, telegramRsaKeys().production);
  const { key, iv } = deriveTmpAesKeyIv(crypto, newNonce, serverNonce);
  // server_DH_inner_data: 592 encrypted bytes, SHA1 over the 564-byte answer
  const answer = crypto.aesIgeDecrypt(EXCHANGE_ANSWER, key, iv);
  crypto.sha1(answer.subarray(20, 584));
  checkDhParams(crypto, TELEGRAM_DH_PRIME, 3);
  checkDhValue(EXCHANGE_GA, TELEGRAM_DH_PRIME, 'g_a');
  const b = randomBigIntBelow(crypto, TELEGRAM_DH_PRIME);
  const gB = crypto.modPow(3n, b, TELEGRAM_DH_PRIME);
  checkDhValue(gB, TELEGRAM_DH_PRIME, 'g_b');
  const authKey = bigIntToBytes(crypto.modPow(EXCHANGE_GA, b, TELEGRAM_DH_PRIME), 256);
  const clientInner = new Uint8Array(336);
  clientInner.set(bigIntToBytes(gB, 256), 48);
  clientInner.set(crypto.sha1(clientInner.subarray(20, 324)), 0);
  crypto.aesIgeEncrypt(clientInner, key, iv);
  computeNewNonceHash(crypto, newNonce, authKey, 1);
  crypto.sha1(authKey);
  return encryptedData;
}
const EXCHANGE_ANSWER = randomBytes(592);
const EXCHANGE_GA = BigInt(
  '0x236F6D779877A357465CEC030AC5FDA6D6B377372BFA75574289988FD87D966A29B47E0C00BC788900304EA5E03F3856058C309A6CB508553913788D41A61B1D82B0A2F932C68F18FC21851E66D8649AD9E2092F08C96AD67810724369BF0511E74E1F71F1A825EDDFA1D5DC30E359693C0366FF9FB6828699ACFD1F037116F95ADD42F6C64B580B3287AA32FBA518E4B8C9C7B52413B501247DB05ADDD891794394DB529E66890603BCD75CF70E6151398EE85F6D8178EA72C6A61937BCE32BFDAEA86B57A27EBC379933F54C7D44F3E407ED26685D88F0F10A344CDF62F4E20974B374BA1D41DF223A867DD19713CF0FF71F24465D79258B1742916EE35EE3',
);

/** 50 pq = p·q with p < q primes drawn from [2^30, 2^31.5) by a fixed LCG, so every run factorises the same set. */
function deterministicPqs(count) {
  let seed = 0x2545f491;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const low = 2 ** 30;
  const span = 2 ** 31.5 - low;
  const prime = () => {
    for (;;) {
      const candidate = BigInt(Math.floor(low + (next() / 2 ** 32) * span)) | 1n;
      if (isPrimeSmall(candidate)) return candidate;
    }
  };
  const out = [];
  while (out.length < count) {
    const [a, b] = [prime(), prime()];
    if (a !== b) out.push({ pq: a * b, p: a < b ? a : b, q: a < b ? b : a });
  }
  return out;
}

async function loadMtcute(log) {
  try {
    const wasm = await import('@mtcute/wasm');
    const file = wasm.SIMD_AVAILABLE ? 'mtcute-simd.wasm' : 'mtcute.wasm';
    wasm.initSync(readFileSync(new URL(import.meta.resolve(`@mtcute/wasm/${file}`))));
    log(`@mtcute/wasm 0.30.3 loaded (${file})`);
    return wasm;
  } catch (error) {
    log(`@mtcute/wasm unavailable (${error.message}): its rows and ratios are skipped`);
    return undefined;
  }
}

/** Every implementation must agree before anything is timed. */
function verifyIge(mtcute, key, iv, data) {
  for (const plain of Object.values(data)) {
    const expected = Buffer.from(nodeCryptoProvider.aesIgeEncrypt(plain, key, iv));
    const outputs = [portableCryptoProvider.aesIgeEncrypt(plain, key, iv), nodeNoAddon.aesIgeEncrypt(plain, key, iv), mtcute?.ige256Encrypt(plain, key, iv)];
    for (const out of outputs) if (out && !expected.equals(Buffer.from(out))) throw new Error('IGE implementations disagree');
    for (const p of [...providers, nodeNoAddon]) if (!Buffer.from(p.aesIgeDecrypt(expected, key, iv)).equals(plain)) throw new Error('IGE decrypt disagrees');
    if (mtcute && !Buffer.from(mtcute.ige256Decrypt(expected, key, iv)).equals(plain)) throw new Error('mtcute IGE decrypt disagrees');
  }
}

/** `openssl speed -evp aes-256-cbc` (encrypt, sequential like IGE) at our sizes, 3 × 1 s each. */
function opensslCbc(log) {
  const out = new Map();
  try {
    for (const size of SIZES) {
      const speeds = [];
      for (let i = 0; i < 3; i++) {
        const text = execFileSync('openssl', ['speed', '-evp', 'aes-256-cbc', '-mr', '-seconds', '1', '-bytes', String(size)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const line = text.split('\n').find((l) => l.startsWith('+F:'));
        if (!line) throw new Error('no +F: line in openssl speed output');
        speeds.push(Number(line.split(':').at(-1)) / 1e6);
      }
      out.set(size, { ...figureOf(`native openssl aes-256-cbc ${KIB(size)}`, speeds), note: 'reference' });
    }
  } catch (error) {
    log(`openssl speed unavailable (${error.message}): no native reference, encrypt ratio not computed`);
  }
  return out;
}

function figureOf(name, values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, unit: 'MB/s', median: sorted[sorted.length >> 1], min: sorted[0], max: sorted.at(-1), runs: values.length };
}
