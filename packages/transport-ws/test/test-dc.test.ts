// End to end against @x/test-dc (an independent server implementation in strict mode): a real
// MtprotoSession over ws:// and wss://, addresses from @x/dc-registry's test DC override. Strict
// mode records what Telegram's WS front end would reject (several packets in one message, a packet
// split across messages, no `binary` subprotocol): none may appear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DcRegistry } from '@x/dc-registry';
import { defaultCryptoProvider, MtprotoSession, parseRsaPublicKey, type TransportFactory } from '@x/mtproto-core';
import { startTestDc, type TestDc } from '@x/test-dc';
import { webSocketTransport, type WebSocketFraming } from '../src/index.node.js';

let dc: TestDc;
let registry: DcRegistry;

beforeAll(async () => {
  dc = await startTestDc({ dcIds: [1], strict: true });
  registry = DcRegistry.fromTestDc(dc.clientConfig());
});
afterAll(() => dc?.close());

const initConnection = {
  apiId: 1,
  deviceModel: 'transport-ws test',
  systemVersion: 'node',
  appVersion: '0.1.0',
  systemLangCode: 'en',
  langPack: '',
  langCode: 'en',
};

function session(factory: TransportFactory & { tls: boolean }): MtprotoSession {
  const [target] = registry.resolve(1, { transport: 'websocket', tls: factory.tls });
  return new MtprotoSession({
    transport: factory,
    target,
    crypto: defaultCryptoProvider,
    rsaKeys: [parseRsaPublicKey(defaultCryptoProvider, dc.rsaPublicKeyPem)],
    initConnection,
    reconnect: false,
  });
}

const routes: Array<{ name: string; tls: boolean; framing: WebSocketFraming }> = [
  { name: 'ws intermediate', tls: false, framing: 'intermediate' },
  { name: 'ws abridged', tls: false, framing: 'abridged' },
  { name: 'ws padded', tls: false, framing: 'padded' },
  { name: 'wss intermediate', tls: true, framing: 'intermediate' },
];

describe.each(routes)('$name', ({ tls, framing }) => {
  it('auth key, 300 pipelined RPCs, a bot login and 1 MiB of file parts, with no protocol violation', async () => {
    dc.control.clearViolations();
    const factory = webSocketTransport({ tls, framing, ...(tls ? { ca: dc.tlsCaPem } : {}) });
    const client = session(factory);
    await client.connect();
    expect(client.authKey?.authKey.length).toBe(256);

    const config = await client.invoke({ _: 'help.getConfig' });
    expect(config.thisDc).toBe(1);
    const nearest = await Promise.all(Array.from({ length: 300 }, () => client.invoke({ _: 'help.getNearestDc' })));
    expect(nearest.every((answer) => answer.thisDc === 1)).toBe(true);

    const auth = await client.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'hash', botAuthToken: '100001:TEST-secret' });
    expect(auth._).toBe('auth.authorization');
    const part = new Uint8Array(512 * 1024).map((_, i) => i * 7);
    const saved = await Promise.all([0, 1].map((filePart) => client.invoke({ _: 'upload.saveFilePart', fileId: 77n, filePart, bytes: part })));
    expect(saved).toEqual([true, true]);

    await client.close();
    expect(dc.violations()).toEqual([]);
  });
});
