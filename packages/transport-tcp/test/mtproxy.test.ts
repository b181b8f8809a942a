// MTProxy: obfuscation keyed with the proxy secret, `dd` secrets force padded framing, the DC id
// rides in the init so the proxy can route.
import { afterEach, describe, expect, it } from 'vitest';
import { parseMtproxyAddress, resolveTcpOptions } from '../src/index.js';
import { client } from './client-helpers.js';
import { echo, packet, startServer, toHex, until, type LoopbackServer } from './loopback-server.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const KEY_HEX = toHex(KEY);

const servers: LoopbackServer[] = [];
async function proxy(host = '127.0.0.1'): Promise<LoopbackServer> {
  const s = await startServer(echo, { host, secret: KEY });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('MTProxy', () => {
  it('a dd secret forces padded framing; the DC id reaches the proxy', async () => {
    const p = await proxy();
    const c = client({ framing: 'abridged', proxy: { mtproxy: `127.0.0.1:${p.port}:dd${KEY_HEX}` } }, { dcId: 4, test: false, media: true });
    expect(c.transport.description).toBe(`tcp/obfuscated-padded via mtproxy 127.0.0.1:${p.port}`);
    await c.transport.connect();
    await c.transport.send(packet(3));
    await until(() => c.packets.length === 1);
    expect((await p.connection()).info).toEqual({ framing: 'padded', obfuscated: true, dcId: -4 });
    await c.transport.close();
  });

  it('a 16-byte secret keeps the chosen framing; IPv6 proxy address in brackets', async () => {
    const p = await proxy('::1');
    const c = client({ framing: 'intermediate', proxy: { mtproxy: `[::1]:${p.port}:${KEY_HEX}` } }, { dcId: 2, test: true });
    await c.transport.connect();
    await c.transport.send(packet(1));
    await until(() => c.packets.length === 1);
    expect((await p.connection()).info).toEqual({ framing: 'intermediate', obfuscated: true, dcId: 10002 });
    await c.transport.close();
  });

  it('the object form and base64url secrets work too', async () => {
    const p = await proxy();
    const secret = Buffer.from(KEY).toString('base64url');
    const c = client({ proxy: { mtproxy: { host: '127.0.0.1', port: p.port, secret } } }, { dcId: 1 });
    await c.transport.connect();
    await c.transport.send(packet(1));
    await until(() => c.packets.length === 1);
    await c.transport.close();
  });

  it('a wrong secret is refused by the proxy, and the client sees the connection drop', async () => {
    const p = await proxy();
    const c = client({ proxy: { mtproxy: `127.0.0.1:${p.port}:${'11'.repeat(16)}` } }, { dcId: 2 });
    await c.transport.connect();
    await c.transport.send(packet(1)).catch(() => {});
    const info = await c.closed;
    expect(info.byClient).toBe(false);
    expect(['TRANSPORT_CLOSED', 'TRANSPORT_RESET']).toContain(info.error?.code);
    expect((await p.connection()).errors[0]).toMatchObject({ code: 'OBFUSCATION_BAD_TAG' });
  });

  it('a DC address with its own secret (dc_options) is obfuscated with it', async () => {
    const p = await proxy();
    const c = client({ framing: 'full' }, { host: p.host, port: p.port, secret: Uint8Array.of(0xdd, ...KEY) });
    expect(c.transport.description).toBe(`tcp/obfuscated-padded 127.0.0.1:${p.port}`);
    await c.transport.connect();
    await c.transport.send(packet(2));
    await until(() => c.packets.length === 1);
    expect((await p.connection()).info?.framing).toBe('padded');
    await c.transport.close();
  });

  it('a malformed DC secret fails connect(), not create()', async () => {
    const c = client({}, { host: '127.0.0.1', port: 1, secret: new Uint8Array(5) });
    await expect(c.transport.connect()).rejects.toMatchObject({ code: 'TRANSPORT_PROXY_SECRET' });
  });
});

describe('options', () => {
  it('parseMtproxyAddress', () => {
    expect(parseMtproxyAddress('proxy.example.com:443:abc')).toEqual({ host: 'proxy.example.com', port: 443, secret: 'abc' });
    expect(parseMtproxyAddress('[2001:db8::1]:8443:dd00')).toEqual({ host: '2001:db8::1', port: 8443, secret: 'dd00' });
    expect(() => parseMtproxyAddress('2001:db8::1:443:x')).toThrow(RangeError);
    expect(() => parseMtproxyAddress('host:0:x')).toThrow(RangeError);
    expect(() => parseMtproxyAddress('host:443')).toThrow(RangeError);
  });

  it('resolveTcpOptions: defaults and forced choices', () => {
    expect(resolveTcpOptions({})).toEqual({ framing: 'intermediate', obfuscated: true, proxy: undefined });
    expect(resolveTcpOptions({ framing: 'full' })).toMatchObject({ framing: 'full', obfuscated: false });
    expect(resolveTcpOptions({ framing: 'abridged', obfuscated: false })).toMatchObject({ obfuscated: false });
    expect(resolveTcpOptions({ framing: 'full', proxy: { mtproxy: `h:1:dd${KEY_HEX}` } })).toMatchObject({ framing: 'padded', obfuscated: true });
    expect(() => resolveTcpOptions({ obfuscated: false, proxy: { mtproxy: `h:1:${KEY_HEX}` } })).toThrow(RangeError);
  });
});
