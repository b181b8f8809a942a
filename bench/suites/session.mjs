// Session suite (issue 3): the encrypted session's per-message cost, outside any transport. Encode +
// encrypt runs the session's send path (PlaintextWriter -> writeObject -> finish with pooled padding
// -> MessageCipher.encrypt with headroom); decrypt + decode runs its receive path (MessageCipher.decrypt
// -> header reads -> rpc_result -> readMethodResult). Both against the bare AES-256-IGE + SHA-256 of
// the same plaintext bytes, measured interleaved in the same run (no gzip: the session never packs
// upload.saveFilePart, and the answers here are below the test DC's gzip threshold or incompressible).
import { randomBytes } from 'node:crypto';
import {
  MessageCipher,
  MessageIdGenerator,
  PlaintextWriter,
  RandomPool,
  TlReader,
  nodeCryptoProvider as crypto,
  readMethodResult,
  writeObject,
} from '@x/mtproto-core';

const ID_RPC_RESULT = 0xf35c6d01;
/** throughput() reports bytes·calls per µs of CPU; with 10^6 "bytes" per call that is calls/s. */
const PER_CALL = 1e6;

export async function run(ctx) {
  const { throughput, withRatio, log } = ctx;
  const authKey = randomBytes(256);
  const cipher = new MessageCipher(authKey, crypto);
  const server = serverCipher(authKey);
  const writer = new PlaintextWriter();
  const pool = new RandomPool(crypto);
  const fillRandom = (target) => pool.fill(target);
  const msgIds = new MessageIdGenerator();
  const salt = 0x1122334455667788n;
  const sessionId = 0x0102030405060708n;
  let seq = 1;

  /** The session's send path for one request, as MtprotoSession.sendPacket does it. */
  const encodeEncrypt = (method) => {
    writer.begin(salt, sessionId, false);
    writer.beginMessage();
    writeObject(writer.writer, method);
    const msgId = msgIds.next();
    writer.endMessage(msgId, seq);
    seq += 2;
    return cipher.encrypt(writer.finish(msgId, seq, fillRandom), true);
  };
  /** The session's receive path for one rpc_result, as MtprotoSession.onPacket/receiveRpcResult do it. */
  const decryptDecode = (packet) => {
    const { plaintext, bodyLength } = cipher.decrypt(packet);
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    if (view.getBigInt64(8, true) !== sessionId) throw new Error('session id mismatch');
    view.getBigInt64(16, true);
    view.getInt32(24, true);
    const reader = new TlReader(plaintext, 32, 32 + bodyLength);
    if (reader.peekUint32() !== ID_RPC_RESULT) throw new Error('not an rpc_result');
    reader.uint32();
    reader.int64();
    return readMethodResult(reader, 'upload.getFile', (packed) => crypto.gunzip(packed, 1 << 24));
  };

  const cases = [];
  const shapes = [];
  for (const [label, size, perCall] of [
    ['100 B', 100, true],
    ['512 KiB', 512 * 1024, false],
  ]) {
    // Outbound: upload.saveFilePart whose serialized body is `size` bytes (+20 bytes of TL around the part at 512 KiB).
    const partLength = size === 100 ? 80 : size;
    const request = { _: 'upload.saveFilePart', fileId: 42n, filePart: 0, bytes: randomBytes(partLength) };
    const sent = encodeEncrypt(request);
    const sentPlain = sent.length - 24;
    // Inbound: rpc_result { upload.file } with a body of `size` bytes (+28 around the part at 512 KiB).
    const answerBytes = randomBytes(size === 100 ? 72 : size);
    const received = server.packet(sessionId, rpcResultBody(answerBytes));
    const decoded = decryptDecode(received);
    if (decoded._ !== 'upload.file' || !Buffer.from(decoded.bytes).equals(answerBytes)) throw new Error('decode mismatch');
    if (!Buffer.from(cipher.decrypt(server.echo(sent)).plaintext).length) throw new Error('unreachable');
    const receivedPlain = received.length - 24;
    shapes.push(`${label}: request plaintext ${sentPlain} B, answer plaintext ${receivedPlain} B`);

    const plainOut = randomBytes(sentPlain);
    const plainIn = randomBytes(receivedPlain);
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const cipherIn = crypto.aesIgeEncrypt(plainIn, key, iv);
    const bytes = (n) => (perCall ? PER_CALL : n);
    cases.push(
      { name: `session encode+encrypt ${label}`, bytes: bytes(size), fn: () => encodeEncrypt(request), label, kind: 'enc' },
      { name: `bare ige enc + sha256 ${label}`, bytes: bytes(size), fn: () => (crypto.aesIgeEncrypt(plainOut, key, iv), crypto.sha256(plainOut)), label, kind: 'bare-enc' },
      { name: `session decrypt+decode ${label}`, bytes: bytes(size), fn: () => decryptDecode(received), label, kind: 'dec' },
      { name: `bare ige dec + sha256 ${label}`, bytes: bytes(size), fn: () => (crypto.sha256(crypto.aesIgeDecrypt(cipherIn, key, iv))), label, kind: 'bare-dec' },
    );
  }
  log(`provider ${crypto.name}; ${shapes.join('; ')}; MB/s = 10^6 body bytes/s, msg/s on one core (CPU time)`);

  const measured = throughput(cases, { rounds: 7, ms: 120 });
  const byKind = (label, kind) => measured[cases.findIndex((c) => c.label === label && c.kind === kind)];
  const figures = [];
  for (const label of ['100 B', '512 KiB']) {
    const unit = label === '100 B' ? 'msg/s' : 'MB/s';
    const target = label === '512 KiB' ? { target: 0.8 } : {};
    for (const [kind, bare] of [
      ['enc', 'bare-enc'],
      ['dec', 'bare-dec'],
    ]) {
      const ref = { ...byKind(label, bare), unit };
      figures.push({ ...ref, note: 'reference, interleaved' });
      const fig = withRatio({ ...byKind(label, kind), unit }, ref, target);
      if (label === '512 KiB') fig.note = `session overhead ${((1 / fig.ratio.value - 1) * 100).toFixed(1)}% (target <= 25%: ratio >= 0.8)`;
      figures.push(fig);
    }
  }
  for (const f of figures) if (f.note && f.ratio) log(`${f.name}: ${f.note}`);
  return figures;
}

/** rpc_result { req_msg_id, upload.file { storage.filePartial, mtime, bytes } } serialized. */
function rpcResultBody(bytes) {
  const w = new PlaintextWriter().writer;
  w.uint32(ID_RPC_RESULT);
  w.int64(0x5f5f5f5f5f5f5f5cn);
  writeObject(w, { _: 'upload.file', type: { _: 'storage.filePartial' }, mtime: 0, bytes });
  return Uint8Array.from(w.result());
}

/**
 * The server side of MTProto 2.0 packet encryption (x = 8, spec §7.2), written here from the spec so
 * the bench can feed the client valid server packets.
 */
function serverCipher(authKey) {
  const authKeyId = crypto.sha1(authKey).subarray(12, 20);
  const kdf = (msgKey, x) => {
    const a = crypto.sha256(msgKey, authKey.subarray(x, x + 36));
    const b = crypto.sha256(authKey.subarray(40 + x, 76 + x), msgKey);
    const key = new Uint8Array(32);
    const iv = new Uint8Array(32);
    key.set(a.subarray(0, 8), 0);
    key.set(b.subarray(8, 24), 8);
    key.set(a.subarray(24, 32), 24);
    iv.set(b.subarray(0, 8), 0);
    iv.set(a.subarray(8, 24), 8);
    iv.set(b.subarray(24, 32), 24);
    return { key, iv };
  };
  const seal = (plain, x) => {
    const msgKey = Uint8Array.from(crypto.sha256(authKey.subarray(88 + x, 120 + x), plain).subarray(8, 24));
    const { key, iv } = kdf(msgKey, x);
    const packet = new Uint8Array(24 + plain.length);
    packet.set(authKeyId, 0);
    packet.set(msgKey, 8);
    packet.set(crypto.aesIgeEncrypt(plain, key, iv), 24);
    return packet;
  };
  let serverMsgId = (BigInt(Math.floor(Date.now() / 1000)) << 32n) | 1n;
  return {
    packet(sessionId, body) {
      const padding = 12 + ((16 - ((32 + body.length + 12) % 16)) % 16);
      const plain = new Uint8Array(32 + body.length + padding);
      const view = new DataView(plain.buffer);
      view.setBigInt64(0, 0x1122334455667788n, true);
      view.setBigInt64(8, sessionId, true);
      view.setBigInt64(16, (serverMsgId += 4n), true);
      view.setInt32(24, 1, true);
      view.setInt32(28, body.length, true);
      plain.set(body, 32);
      plain.set(randomBytes(padding), 32 + body.length);
      return seal(plain, 8);
    },
    /** Opens a client packet (x = 0) and re-seals its plaintext as a server packet: proves the client's msg_key and KDF. */
    echo(clientPacket) {
      const msgKey = clientPacket.subarray(8, 24);
      const { key, iv } = kdf(msgKey, 0);
      const plain = crypto.aesIgeDecrypt(clientPacket.subarray(24), key, iv);
      const expected = crypto.sha256(authKey.subarray(88, 120), plain).subarray(8, 24);
      if (!Buffer.from(expected).equals(Buffer.from(msgKey))) throw new Error('client msg_key does not verify');
      return seal(Uint8Array.from(plain), 8);
    },
  };
}
