/** The conformance checks. Each one is independent: it opens its own sessions or transports. */
import { TransportError, type MtprotoSession, type TlMethodResult } from '@x/mtproto-core';
import { randomBytes } from 'node:crypto';
import { FAULT_DC, SESSION_DC, type Harness } from './harness.js';
import type { ConformanceCheckName } from './options.js';
import { checkClosedOnce, checkIsResPq, openRecordedTransport, reqPqPacket } from './raw-transport.js';
import type { RechunkMode } from './rechunk-proxy.js';
import { check, delay, waitUntil } from './util.js';

export type ConformanceCheck = (harness: Harness) => Promise<void>;

const FILE_PART_MAX = 512 * 1024;

/** Runs `body` with a session that is always closed afterwards. */
async function withSession(session: MtprotoSession, body: (session: MtprotoSession) => Promise<void>): Promise<void> {
  try {
    await session.connect();
    await body(session);
  } finally {
    await session.close();
  }
}

async function pipelinedNearestDc(session: MtprotoSession, count: number): Promise<void> {
  // Issued in waves of 10 across event-loop turns without waiting for answers, so the session
  // sends many packets (one wave alone would go out as a single container).
  const pending: Promise<TlMethodResult<'help.getNearestDc'>>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(session.invoke({ _: 'help.getNearestDc' }));
    if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  const results = await Promise.all(pending);
  check(results.length === count, `expected ${count} answers, got ${results.length}`);
  const wrong = results.filter((result) => result._ !== 'nearestDc' || result.thisDc !== SESSION_DC);
  check(wrong.length === 0, `${wrong.length} of ${count} answers were not nearestDc for DC ${SESSION_DC}`);
}

async function checkConfig(session: MtprotoSession): Promise<void> {
  const config = await session.invoke({ _: 'help.getConfig' });
  check(config._ === 'config', `help.getConfig answered ${config._}`);
  check(config.thisDc === SESSION_DC, `config.thisDc is ${config.thisDc}, expected ${SESSION_DC}`);
  check(config.dcOptions.length > 0, 'config.dcOptions is empty');
}

function chunkingCheck(mode: RechunkMode, rpcs: number): ConformanceCheck {
  return async (harness) => {
    const proxied = await harness.proxiedView(mode);
    try {
      await withSession(harness.session({ view: proxied.view }), async (session) => {
        check(session.authKey?.authKey.length === 256, 'no 256-byte auth key through the re-chunking proxy');
        await checkConfig(session);
        await pipelinedNearestDc(session, rpcs);
      });
      // Guards against a target function that ignores the addresses it is given.
      check(proxied.forwardedBytes() > 0, 'nothing went through the re-chunking proxy: build the target from the `server` argument');
    } finally {
      await proxied.close();
    }
  };
}

function activeHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Socket and timer handles opened since `before` that are still alive. */
function leakedHandles(before: Map<string, number>): string[] {
  const leaked: string[] = [];
  for (const [kind, count] of activeHandles()) {
    if (!/Socket|TLS|Pipe|Timeout|Immediate/i.test(kind)) continue;
    const extra = count - (before.get(kind) ?? 0);
    if (extra > 0) leaked.push(`${extra} ${kind}`);
  }
  return leaked;
}

export const CHECKS: Record<ConformanceCheckName, ConformanceCheck> = {
  'auth key exchange': (harness) =>
    withSession(harness.session(), async (session) => {
      const key = session.authKey;
      check(key !== undefined && key.authKey.length === 256, 'connect() resolved without a 256-byte auth key');
      check(key.authKeyId !== 0n, 'auth key id is zero');
    }),

  'help.getConfig': (harness) => withSession(harness.session(), checkConfig),

  'pipelined RPCs': (harness) =>
    withSession(harness.session(), (session) => pipelinedNearestDc(session, harness.options.pipelinedRpcs ?? 1000)),

  'large request and response': (harness) =>
    withSession(harness.session(), async (session) => {
      const size = harness.options.largePayloadBytes ?? 1024 * 1024;
      check(size > 0 && size <= 1024 * 1024, 'largePayloadBytes must be in 1..1048576 (upload.getFile limit)');
      await harness.signInBot(session);
      const content = new Uint8Array(randomBytes(size));
      const fileId = randomBytes(8).readBigInt64LE();
      const parts = Math.ceil(size / FILE_PART_MAX);
      // The request side: parts of Telegram's maximum size, sent pipelined.
      const saved = await Promise.all(
        Array.from({ length: parts }, (_, part) =>
          session.invoke({ _: 'upload.saveFilePart', fileId, filePart: part, bytes: content.subarray(part * FILE_PART_MAX, (part + 1) * FILE_PART_MAX) }),
        ),
      );
      check(saved.every((ok) => ok === true), 'upload.saveFilePart did not answer true');
      const resolved = await session.invoke({ _: 'contacts.resolveUsername', username: 'alice' });
      const alice = resolved.users.find((user) => user._ === 'user');
      check(alice !== undefined && alice._ === 'user' && alice.accessHash !== undefined, 'could not resolve @alice');
      const fileName = `testkit-${fileId}.bin`;
      await session.invoke({
        _: 'messages.sendMedia',
        peer: { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash },
        media: {
          _: 'inputMediaUploadedDocument',
          file: { _: 'inputFile', id: fileId, parts, name: fileName, md5Checksum: '' },
          mimeType: 'application/octet-stream',
          attributes: [{ _: 'documentAttributeFilename', fileName }],
        },
        message: '',
        randomId: randomBytes(8).readBigInt64LE(),
      });
      const document = harness.testDc.control.documents().find((candidate) => candidate.fileName === fileName);
      check(document !== undefined, 'the uploaded document did not appear on the test DC');
      check(Buffer.compare(Buffer.from(document.bytes), Buffer.from(content)) === 0, 'the test DC stored different bytes than were uploaded');
      // The response side: the whole file in one upload.getFile answer.
      const file = await session.invoke({
        _: 'upload.getFile',
        precise: true,
        location: { _: 'inputDocumentFileLocation', id: document.id, accessHash: document.accessHash, fileReference: document.fileReference, thumbSize: '' },
        offset: 0n,
        limit: Math.ceil(size / 1024) * 1024,
      });
      check(file._ === 'upload.file', `upload.getFile answered ${file._}`);
      check(file.bytes.length === size, `downloaded ${file.bytes.length} bytes, expected ${size}`);
      check(Buffer.compare(Buffer.from(file.bytes), Buffer.from(content)) === 0, 'downloaded bytes differ from the upload');
    }),

  // Auth-key exchange, help.getConfig and a few RPCs with every read 1 byte long (both directions).
  '1-byte chunking': chunkingCheck('bytes', 3),

  // 200 pipelined RPCs with reads that carry several packets split at random places.
  'many packets per chunk': chunkingCheck('coalesce', 200),

  'connect refused': async (harness) => {
    const before = activeHandles();
    const view = await harness.refusingView();
    const closes: unknown[] = [];
    const transport = harness.factory.create(harness.target(FAULT_DC, view), {
      packet: () => {},
      transportError: () => {},
      close: (info) => closes.push(info),
    });
    const outcome = await transport.connect({ timeoutMs: 5_000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    check(outcome instanceof TransportError, `connect() to a closed port should reject with TransportError, got ${String(outcome)}`);
    check(closes.length <= 1, `handlers.close called ${closes.length} times after a failed connect`);
    await transport.close();
    check(closes.length <= 1, `handlers.close called ${closes.length} times after a failed connect and close()`);
    let leaked: string[] = [];
    await waitUntil(() => (leaked = leakedHandles(before)).length === 0, 2_000, 'sockets and timers released after a failed connect').catch(
      (error: Error) => {
        throw new Error(`${error.message} (still alive: ${leaked.join(', ')})`);
      },
    );
  },

  'server close': async (harness) => {
    const recorded = await openRecordedTransport(harness, FAULT_DC);
    try {
      await recorded.transport.send(reqPqPacket());
      await waitUntil(() => recorded.packets.length > 0, 5_000, 'answer to req_pq_multi');
      checkIsResPq(recorded.packets[0]);
      check(harness.testDc.control.dropConnections({ dcId: FAULT_DC }) >= 1, 'the test DC saw no connection to drop');
      await waitUntil(() => recorded.closes.length > 0, 5_000, 'handlers.close after the server dropped the connection');
      await delay(50);
      checkClosedOnce(recorded, false);
      const sendError = await recorded.transport.send(reqPqPacket()).then(
        () => undefined,
        (error: unknown) => error,
      );
      check(sendError instanceof TransportError, `send() after a server close should reject with TransportError, got ${String(sendError)}`);
    } finally {
      await recorded.transport.close();
    }
    check(recorded.closes.length === 1, 'close() after a server close called handlers.close again');
  },

  'client close': async (harness) => {
    await waitUntil(() => harness.testDc.control.connections(FAULT_DC).length === 0, 5_000, 'no connections left on the fault DC');
    const before = activeHandles();
    const recorded = await openRecordedTransport(harness, FAULT_DC);
    await recorded.transport.send(reqPqPacket());
    await waitUntil(() => recorded.packets.length > 0, 5_000, 'answer to req_pq_multi');
    checkIsResPq(recorded.packets[0]);
    await recorded.transport.close();
    check(recorded.closes.length === 1, `handlers.close called ${recorded.closes.length} times by the time close() resolved`);
    check(recorded.closes[0].error === undefined, `a clean close reported an error: ${recorded.closes[0].error?.message}`);
    await recorded.transport.close();
    await delay(50);
    checkClosedOnce(recorded, true);
    await waitUntil(() => harness.testDc.control.connections(FAULT_DC).length === 0, 5_000, 'the server sees the connection closed');
    let leaked: string[] = [];
    await waitUntil(
      () => (leaked = leakedHandles(before)).length === 0,
      2_000,
      'sockets and timers released after close()',
    ).catch((error: Error) => {
      throw new Error(`${error.message} (still alive: ${leaked.join(', ')})`);
    });
  },

  'transport error codes': async (harness) => {
    for (const code of [-404, -429, -444]) {
      const control = harness.testDc.control;
      control.setFaults({ transportError: code }, { dcId: FAULT_DC });
      const recorded = await openRecordedTransport(harness, FAULT_DC);
      try {
        await recorded.transport.send(reqPqPacket());
        await waitUntil(() => recorded.transportErrors.length > 0 || recorded.closes.length > 0, 5_000, `transport error ${code}`);
        const error = recorded.transportErrors[0];
        check(
          error !== undefined,
          `code ${code}: handlers.transportError was not called (close: ${recorded.closes[0]?.error?.message ?? 'no error'})`,
        );
        check(error instanceof TransportError, `code ${code}: handlers.transportError got a ${String(error)}, not a TransportError`);
        check(error.transportCode === code, `code ${code}: TransportError.transportCode is ${error.transportCode}`);
        await waitUntil(() => recorded.closes.length > 0, 5_000, `handlers.close after the server closed on ${code}`);
        await delay(20);
        checkClosedOnce(recorded, false);
      } finally {
        control.clearFaults({ dcId: FAULT_DC });
        await recorded.transport.close();
      }
    }
  },

  'WebSocket close codes': async (harness) => {
    const cases = [
      // Telegram closes with 1000 and the transport error code as the reason.
      { code: 1000, reason: '-404', transportCode: -404 },
      { code: 4001, reason: 'going away for a test', transportCode: undefined },
    ];
    for (const wanted of cases) {
      const control = harness.testDc.control;
      control.setFaults({ wsClose: { code: wanted.code, reason: wanted.reason } }, { dcId: FAULT_DC });
      const recorded = await openRecordedTransport(harness, FAULT_DC);
      try {
        await recorded.transport.send(reqPqPacket());
        await waitUntil(() => recorded.closes.length > 0, 5_000, `handlers.close after close frame ${wanted.code}`);
        await delay(20);
        checkClosedOnce(recorded, false);
        const error = recorded.closes[0].error;
        check(error instanceof TransportError, `close frame ${wanted.code}: close info has no TransportError`);
        check(error.closeCode === wanted.code, `close frame ${wanted.code}: TransportError.closeCode is ${error.closeCode}`);
        check(
          error.transportCode === wanted.transportCode,
          `close frame ${wanted.code} "${wanted.reason}": TransportError.transportCode is ${error.transportCode}, expected ${wanted.transportCode}`,
        );
      } finally {
        control.clearFaults({ dcId: FAULT_DC });
        await recorded.transport.close();
      }
    }
  },

  'reconnect with pending requests': (harness) =>
    withSession(harness.session(), async (session) => {
      await checkConfig(session);
      const control = harness.testDc.control;
      const ids = control.connections(SESSION_DC).map((connection) => connection.id);
      check(ids.length > 0, 'the test DC sees no session connection');
      const current = Math.max(...ids);
      let reconnecting = false;
      const off = session.on('state', (state) => {
        if (state === 'reconnecting') reconnecting = true;
      });
      try {
        // The next packet the client sends makes the server drop the connection unanswered.
        control.setFaults({ dropAfterPackets: 0 }, { connectionId: current });
        const pending = Array.from({ length: 20 }, () => session.invoke({ _: 'help.getNearestDc' }));
        const results = await Promise.all(pending);
        check(results.every((result) => result._ === 'nearestDc'), 'a pending request got a wrong answer after the reconnect');
        check(reconnecting, 'the session never reported reconnecting');
        check(!control.connections(SESSION_DC).some((connection) => connection.id === current), 'the dropped connection is still open');
        await checkConfig(session);
      } finally {
        off();
      }
    }),
};
