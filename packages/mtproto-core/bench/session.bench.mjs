// Session codec throughput: what MtprotoSession does per message, measured against the bare crypto
// the message needs. Run after `pnpm --filter @x/mtproto-core build`:
//   node packages/mtproto-core/bench/session.bench.mjs [--json]
//
// - encode+encrypt: PlaintextWriter (header, body serialized in place, padding) + MessageCipher.encrypt
// - decrypt+decode: MessageCipher.decrypt (msg_key check, bounds) + header + readMethodResult
// - bare crypto:    AES-256-IGE over the same plaintext, plus the msg_key SHA-256 and the KDF
//
// Cases run interleaved; each figure is the median of 9 rounds after a warm-up.
import {
  MessageCipher,
  nodeCryptoProvider,
  PlaintextWriter,
  RandomPool,
  readMethodResult,
  TlReader,
  TlWriter,
  writeObject,
  computeMsgKey,
  deriveMessageKey,
} from '../dist/index.node.js';

const crypto = nodeCryptoProvider;
const json = process.argv.includes('--json');
const authKey = crypto.randomBytes(256);
const cipher = new MessageCipher(authKey, crypto);
const writer = new PlaintextWriter();
const salt = 0x1122334455667788n;
const sessionId = 0x0102030405060708n;
let msgId = BigInt(Math.floor(Date.now() / 1000)) << 32n;
const nextId = () => (msgId += 4n);
const pool = new RandomPool(crypto);
const randomFill = (target) => pool.fill(target);

function rate(fn, ms) {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    if ((n & 3) === 0) now = performance.now();
  }
  return (n * 1000) / (performance.now() - start);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * Runs the cases interleaved round by round (the machine may be busy: interleaving keeps the
 * comparison fair) and returns each case's median rate in operations per second.
 */
function measure(cases, roundMs = 150, rounds = 9) {
  for (const fn of Object.values(cases)) rate(fn, roundMs);
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) for (const [name, fn] of Object.entries(cases)) samples[name].push(rate(fn, roundMs));
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** One outgoing message, exactly as the session writes it (no container). */
function encode(method) {
  writer.begin(salt, sessionId, false);
  writer.beginMessage();
  writeObject(writer.writer, method);
  const id = nextId();
  writer.endMessage(id, 1);
  return cipher.encrypt(writer.finish(id, 1, randomFill), true);
}

/** A server packet (x = 8) holding rpc_result(reqMsgId, result). */
function serverPacket(reqMsgId, result) {
  const body = new TlWriter(result.length + 64);
  body.uint32(0xf35c6d01);
  body.int64(reqMsgId);
  body.raw(result);
  const bytes = body.toBytes();
  const padding = 12 + ((16 - ((32 + bytes.length + 12) % 16)) % 16);
  const plain = new Uint8Array(32 + bytes.length + padding);
  const view = new DataView(plain.buffer);
  view.setBigInt64(0, salt, true);
  view.setBigInt64(8, sessionId, true);
  view.setBigInt64(16, nextId() | 1n, true);
  view.setInt32(24, 1, true);
  view.setInt32(28, bytes.length, true);
  plain.set(bytes, 32);
  const msgKey = computeMsgKey(crypto, authKey, plain, 8);
  const { key, iv } = deriveMessageKey(crypto, authKey, msgKey, 8);
  const encrypted = crypto.aesIgeEncrypt(plain, key, iv);
  const packet = new Uint8Array(24 + encrypted.length);
  packet.set(crypto.sha1(authKey).subarray(12, 20), 0);
  packet.set(msgKey, 8);
  packet.set(encrypted, 24);
  return packet;
}

/** Decrypt + checks + header + typed result, as the session's receive path does. */
function decode(packet, method) {
  const { plaintext, bodyLength } = cipher.decrypt(packet);
  const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  if (view.getBigInt64(8, true) !== sessionId) throw new Error('session');
  const reader = new TlReader(plaintext, 32, 32 + bodyLength);
  reader.uint32();
  reader.int64();
  return readMethodResult(reader, method);
}

function bareEncrypt(plain) {
  const msgKey = computeMsgKey(crypto, authKey, plain, 0);
  const { key, iv } = deriveMessageKey(crypto, authKey, msgKey, 0);
  return crypto.aesIgeEncrypt(plain, key, iv);
}

function bareDecrypt(encrypted) {
  const msgKey = encrypted.subarray(0, 16);
  const { key, iv } = deriveMessageKey(crypto, authKey, msgKey, 8);
  const plain = crypto.aesIgeDecrypt(encrypted.subarray(16), key, iv);
  computeMsgKey(crypto, authKey, plain, 8);
  return plain;
}

const results = {};

// --- a 100-byte RPC: messages.sendMessage to a user with a short text (body ~100 bytes)
const small = {
  _: 'messages.sendMessage',
  peer: { _: 'inputPeerUser', userId: 123456789n, accessHash: -987654321987654321n },
  message: 'Hello from the session benchmark: forty-seven.',
  randomId: 42n,
};
const smallBody = (() => {
  const w = new TlWriter(256);
  writeObject(w, small);
  return w.toBytes().length;
})();
results.smallBodyBytes = smallBody;
const smallResult = (() => {
  const w = new TlWriter(256);
  writeObject(w, { _: 'updateShortSentMessage', id: 777, pts: 100, ptsCount: 1, date: 1_700_000_000, out: true });
  w.raw(new Uint8Array(0));
  return w.toBytes();
})();
const smallPacket = serverPacket(5n, new Uint8Array([...smallResult, ...new Uint8Array(72)]).subarray(0, smallResult.length));
const smallPlain = (() => {
  writer.begin(salt, sessionId, false);
  writer.beginMessage();
  writeObject(writer.writer, small);
  writer.endMessage(1n, 1);
  return writer.finish(1n, 1, randomFill).slice();
})();
const smallEncrypted = cipher.encrypt(smallPlain).subarray(8);
Object.assign(
  results,
  measure({
    smallEncodeEncryptPerSec: () => encode(small),
    smallBareEncryptPerSec: () => bareEncrypt(smallPlain),
    smallDecryptDecodePerSec: () => decode(smallPacket, 'messages.sendMessage'),
    smallBareDecryptPerSec: () => bareDecrypt(smallEncrypted),
  }),
);

// --- 512 KiB bodies: upload.saveFilePart out, upload.file in
const part = new Uint8Array(512 * 1024);
crypto.randomFill(part);
const upload = { _: 'upload.saveFilePart', fileId: 1n, filePart: 0, bytes: part };
const uploadPlain = (() => {
  encode(upload);
  return writer.writer.result().slice(32);
})();
const mb = uploadPlain.length / 1e6;
results.largePlaintextBytes = uploadPlain.length;
const fileResult = (() => {
  const w = new TlWriter(part.length + 64);
  writeObject(w, { _: 'upload.file', type: { _: 'storage.filePartial' }, mtime: 0, bytes: part });
  return w.toBytes();
})();
const largePacket = serverPacket(6n, fileResult);
const largeEncrypted = largePacket.subarray(8);
const igeKey = authKey.subarray(0, 32);
const igeIv = authKey.subarray(32, 64);
const large = measure(
  {
    largeEncodeEncryptMBps: () => encode(upload),
    largeBareEncryptMBps: () => bareEncrypt(uploadPlain),
    largeIgeEncryptOnlyMBps: () => crypto.aesIgeEncrypt(uploadPlain, igeKey, igeIv),
    largeDecryptDecodeMBps: () => decode(largePacket, 'upload.getFile'),
    largeBareDecryptMBps: () => bareDecrypt(largeEncrypted),
    largeIgeDecryptOnlyMBps: () => crypto.aesIgeDecrypt(largeEncrypted.subarray(16), igeKey, igeIv),
  },
  250,
);
for (const [name, perSec] of Object.entries(large)) results[name] = perSec * mb;

const overhead = (bare, session) => (bare / session - 1) * 100;
results.encryptOverheadVsBareCryptoPct = overhead(results.largeBareEncryptMBps, results.largeEncodeEncryptMBps);
results.decryptOverheadVsBareCryptoPct = overhead(results.largeBareDecryptMBps, results.largeDecryptDecodeMBps);
results.encryptOverheadVsIgeOnlyPct = overhead(results.largeIgeEncryptOnlyMBps, results.largeEncodeEncryptMBps);
results.decryptOverheadVsIgeOnlyPct = overhead(results.largeIgeDecryptOnlyMBps, results.largeDecryptDecodeMBps);
results.crypto = crypto.name;
results.node = process.version;

if (json) {
  console.log(JSON.stringify(results));
} else {
  const f = (n) => (typeof n === 'number' ? (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en') : n.toFixed(1)) : n);
  for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(34)} ${f(value)}`);
}
