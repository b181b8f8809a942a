// Transport suite (issue 5): MtprotoSession over TCP (obfuscated intermediate) and over wss (the test
// DC's own CA) against an in-process @x/test-dc on loopback, in one run, rounds interleaved so
// machine drift hits both alike. Wall-clock figures: the server shares the process and its 2 cores,
// so absolute numbers are the client + server together; the wss/TCP ratios are the point.
import { defaultCryptoProvider, MtprotoSession, parseRsaPublicKey } from '@x/mtproto-core';
import { startTestDc } from '@x/test-dc';
import { tcpTransport } from '@x/transport-tcp';
import { webSocketTransport } from '@x/transport-ws';

const CONNECT_RUNS = 9;
const ROUNDS = 7;
const SEQUENTIAL_CALLS = 300;
const PIPELINED_CALLS = 3200;
const IN_FLIGHT = 64;
const PART_BYTES = 512 * 1024;
const PARTS_PER_ROUND = 16;
const PARTS_IN_FLIGHT = 4;

const initConnection = {
  apiId: 1,
  deviceModel: 'bench',
  systemVersion: process.version,
  appVersion: '0.1.0',
  systemLangCode: 'en',
  langPack: '',
  langCode: 'en',
};

export async function run(ctx) {
  const { figure, withRatio, median, log } = ctx;
  const dc = await startTestDc({ dcIds: [1], strict: false });
  try {
    const endpoint = dc.dcs[0];
    if (!endpoint.wssUrl) throw new Error('the test DC serves no wss');
    const rsaKey = parseRsaPublicKey(defaultCryptoProvider, dc.rsaPublicKeyPem);
    const carriers = [
      {
        name: 'tcp',
        factory: tcpTransport({ framing: 'intermediate', obfuscated: true }),
        target: { dcId: 1, test: false, media: false, host: endpoint.host, port: endpoint.tcpPort },
      },
      {
        name: 'wss',
        factory: webSocketTransport({ tls: true, framing: 'intermediate', ca: dc.tlsCaPem }),
        target: { dcId: 1, test: false, media: false, url: endpoint.wssUrl },
      },
    ];
    const newSession = (carrier) =>
      new MtprotoSession({
        transport: carrier.factory,
        target: carrier.target,
        crypto: defaultCryptoProvider,
        rsaKeys: [rsaKey],
        initConnection,
        reconnect: false,
        requestTimeoutMs: 30_000,
      });
    log(`test DC in-process on ${endpoint.host}; tcp = obfuscated intermediate, wss = ${endpoint.wssUrl}; small call help.getNearestDc; MB/s = 10^6 B/s, wall time`);

    // connect + auth-key exchange + first RPC (wrapped in invokeWithLayer(initConnection)), fresh session each time.
    // One untimed warm-up each: the first exchange pays one-time setup (DH prime check, TLS context).
    const connectMs = { tcp: [], wss: [] };
    for (let i = -1; i < CONNECT_RUNS; i++) {
      for (const carrier of carriers) {
        const session = newSession(carrier);
        const start = performance.now();
        await session.connect();
        const nearest = await session.invoke({ _: 'help.getNearestDc' });
        if (i >= 0) connectMs[carrier.name].push(performance.now() - start);
        if (nearest.thisDc !== 1) throw new Error(`unexpected help.getNearestDc answer ${JSON.stringify(nearest)}`);
        await session.close();
      }
    }

    // One long-lived, bot-authorised session per carrier for the steady-state figures.
    const sessions = {};
    for (const carrier of carriers) {
      const session = newSession(carrier);
      await session.connect();
      await session.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'bench', botAuthToken: '100001:bench-secret' });
      sessions[carrier.name] = session;
    }
    const part = new Uint8Array(PART_BYTES).map((_, i) => (i * 31) & 0xff);
    const small = () => ({ _: 'help.getNearestDc' });
    const sequential = { tcp: [], wss: [] };
    const pipelined = { tcp: [], wss: [] };
    const upload = { tcp: [], wss: [] };
    let filePart = 0;
    for (let round = -1; round < ROUNDS; round++) {
      const warmUp = round < 0;
      for (const carrier of carriers) {
        const session = sessions[carrier.name];
        let start = performance.now();
        for (let i = 0; i < SEQUENTIAL_CALLS / (warmUp ? 5 : 1); i++) await session.invoke(small());
        if (!warmUp) sequential[carrier.name].push(SEQUENTIAL_CALLS / ((performance.now() - start) / 1000));

        const calls = PIPELINED_CALLS / (warmUp ? 4 : 1);
        start = performance.now();
        await window(calls, IN_FLIGHT, () => session.invoke(small()));
        if (!warmUp) pipelined[carrier.name].push(calls / ((performance.now() - start) / 1000));

        const parts = warmUp ? PARTS_IN_FLIGHT : PARTS_PER_ROUND;
        start = performance.now();
        await window(parts, PARTS_IN_FLIGHT, async () => {
          const saved = await session.invoke({ _: 'upload.saveFilePart', fileId: 7n, filePart: filePart++ % 4000, bytes: part });
          if (saved !== true) throw new Error('upload.saveFilePart did not answer true');
        });
        if (!warmUp) upload[carrier.name].push((parts * PART_BYTES) / 1e6 / ((performance.now() - start) / 1000));
      }
    }
    for (const session of Object.values(sessions)) await session.close();

    const figures = [];
    const tcpConnect = figure('connect+auth key+first RPC tcp', 'ms', connectMs.tcp, { note: 'reference' });
    const wssConnect = withRatio(figure('connect+auth key+first RPC wss', 'ms', connectMs.wss), tcpConnect, { invert: true });
    wssConnect.goal = { text: 'wss < 150 ms median', pass: median(connectMs.wss) < 150 };
    figures.push(tcpConnect, wssConnect);
    for (const [label, unit, values, target] of [
      ['sequential round trips', 'calls/s', sequential, undefined],
      [`${IN_FLIGHT} in flight`, 'calls/s', pipelined, 0.85],
      [`upload.saveFilePart 512 KiB x${PARTS_IN_FLIGHT} in flight`, 'MB/s', upload, undefined],
    ]) {
      const tcp = figure(`${label} tcp`, unit, values.tcp, { note: 'reference' });
      figures.push(tcp, withRatio(figure(`${label} wss`, unit, values.wss), tcp, target === undefined ? {} : { target }));
    }
    return figures;
  } finally {
    await dc.close();
  }
}

/** Runs `total` calls of `fn`, keeping `width` in flight. */
async function window(total, width, fn) {
  let started = 0;
  const lane = async () => {
    while (started < total) {
      started++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, total) }, lane));
}
