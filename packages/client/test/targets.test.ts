import { describe, expect, it } from 'vitest';
import { DcTargets } from '../src/dc/targets.js';

const override = {
  dcs: [
    { id: 1, host: '127.0.0.1', tcpPort: 1001, wsUrl: 'ws://127.0.0.1:1002/apiws', wssUrl: 'wss://localhost:1003/apiws' },
    { id: 2, host: '127.0.0.1', tcpPort: 2001, wssUrl: 'wss://localhost:2003/apiws' },
  ],
};

describe('DcTargets', () => {
  it('uses the built-in tables: TCP IPs, WebSocket host names, test servers, IPv6', () => {
    const prod = new DcTargets({ test: false, ipv6: false, webSocketTls: true }, undefined, undefined);
    expect(prod.resolve('tcp', 2)[0]).toMatchObject({ dcId: 2, test: false, port: 443 });
    expect(prod.resolve('websocket', 2)[0]?.url).toBe('wss://venus.web.telegram.org/apiws');
    const test = new DcTargets({ test: true, ipv6: false, webSocketTls: true }, undefined, undefined);
    expect(test.resolve('websocket', 1)[0]).toMatchObject({ test: true, url: 'wss://pluto.web.telegram.org/apiws_test' });
    const plain = new DcTargets({ test: false, ipv6: false, webSocketTls: false }, undefined, undefined);
    expect(plain.resolve('websocket', 4)[0]?.url).toMatch(/^ws:\/\/vesta\.web\.telegram\.org/);
    const v6 = new DcTargets({ test: false, ipv6: true, webSocketTls: true }, undefined, undefined);
    expect(v6.resolve('tcp', 1)[0]?.host).toContain(':');
  });

  it('an override replaces every address and picks wss or ws by the TLS flag', () => {
    const targets = new DcTargets({ test: false, ipv6: false, webSocketTls: true }, override, undefined);
    expect(targets.resolve('tcp', 1)).toEqual([expect.objectContaining({ dcId: 1, host: '127.0.0.1', port: 1001 })]);
    expect(targets.resolve('websocket', 1)[0]?.url).toBe('wss://localhost:1003/apiws');
    expect(targets.knownDcIds('tcp')).toEqual([1, 2]);
    const insecure = new DcTargets({ test: false, ipv6: false, webSocketTls: false }, override, undefined);
    expect(insecure.resolve('websocket', 1)[0]?.url).toBe('ws://127.0.0.1:1002/apiws');
    expect(() => insecure.resolve('websocket', 2)).toThrow(/wsUrl/);
    expect(() => targets.resolve('tcp', 3)).toThrow(/unknown DC 3/);
  });

  it('keeps learned addresses across restarts and ignores a saved table that no longer parses', () => {
    const first = new DcTargets({ test: false, ipv6: false, webSocketTls: true }, undefined, undefined);
    first.registry.applyConfig({ dcOptions: [{ _: 'dcOption', id: 2, ipAddress: '10.0.0.2', port: 8443 }] as never });
    const saved = JSON.parse(JSON.stringify(first.toJSON())) as unknown;
    const second = new DcTargets({ test: false, ipv6: false, webSocketTls: true }, undefined, saved);
    expect(second.resolve('tcp', 2)[0]).toMatchObject({ host: '10.0.0.2', port: 8443 });
    const broken = new DcTargets({ test: false, ipv6: false, webSocketTls: true }, undefined, { nonsense: true });
    expect(broken.resolve('tcp', 2)[0]?.port).toBe(443);
  });
});
