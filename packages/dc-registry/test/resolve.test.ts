import { describe, expect, it } from 'vitest';
import { DcRegistry, DcRegistryError, PRODUCTION_ADDRESSES, TEST_ADDRESSES } from '../src/index.js';

const registry = new DcRegistry();
const hostsPorts = (endpoints: { host: string; port: number }[]) => endpoints.map((e) => `${e.host}:${e.port}`);

describe('WebSocket', () => {
  it('maps DC 1..5 to pluto, venus, aurora, vesta, flora over wss on 443 by default', () => {
    const names = ['pluto', 'venus', 'aurora', 'vesta', 'flora'];
    for (const [index, name] of names.entries()) {
      const dcId = index + 1;
      expect(registry.resolve(dcId, { transport: 'websocket' })).toEqual([
        {
          dcId,
          test: false,
          media: false,
          host: `${name}.web.telegram.org`,
          port: 443,
          url: `wss://${name}.web.telegram.org/apiws`,
          source: 'built-in',
        },
      ]);
    }
  });

  it('uses ws:// on port 80 with tls: false, and accepts the ws alias', () => {
    const [endpoint] = registry.resolve(2, { transport: 'ws', tls: false });
    expect(endpoint.url).toBe('ws://venus.web.telegram.org/apiws');
    expect(endpoint.port).toBe(80);
  });

  it('uses /apiws_test for test DCs 1..3 and refuses test DC 4', () => {
    const [endpoint] = registry.resolve(3, { transport: 'websocket', test: true });
    expect(endpoint).toMatchObject({ test: true, url: 'wss://aurora.web.telegram.org/apiws_test' });
    expect(() => registry.resolve(4, { transport: 'websocket', test: true })).toThrow(/test DC 4.*test DCs 1, 2, 3/);
  });

  it('tries the -1 host first for media, then the main host', () => {
    const endpoints = registry.resolve(4, { transport: 'websocket', media: true });
    expect(endpoints.map((e) => [e.url, e.media])).toEqual([
      ['wss://vesta-1.web.telegram.org/apiws', true],
      ['wss://vesta.web.telegram.org/apiws', false],
    ]);
  });

  it('ignores learned IP addresses (WebSocket picks the DC by host name)', () => {
    const learning = new DcRegistry();
    learning.applyConfig({ dcOptions: [{ _: 'dcOption', id: 2, ipAddress: '10.0.0.2', port: 443 }] });
    expect(learning.resolve(2, { transport: 'websocket' })[0].host).toBe('venus.web.telegram.org');
  });
});

describe('TCP built-in tables', () => {
  it('gives the DC2 IPv4 addresses on 443 first, then on 80 and 5222', () => {
    expect(hostsPorts(registry.resolve(2, { transport: 'tcp' }))).toEqual([
      '149.154.167.51:443',
      '95.161.76.100:443',
      '149.154.167.51:80',
      '95.161.76.100:80',
      '149.154.167.51:5222',
      '95.161.76.100:5222',
    ]);
  });

  it('has IPv4 and IPv6 for every production DC 1..5 and test DC 1..3', () => {
    for (const [table, ids] of [[PRODUCTION_ADDRESSES, [1, 2, 3, 4, 5]], [TEST_ADDRESSES, [1, 2, 3]]] as const) {
      for (const id of ids) {
        const regular = table.filter((a) => a.dcId === id && !a.media);
        expect(regular.some((a) => !a.ipv6), `DC ${id} IPv4`).toBe(true);
        expect(regular.some((a) => a.ipv6), `DC ${id} IPv6`).toBe(true);
        for (const a of table) expect(a.source.length).toBeGreaterThan(10);
      }
    }
  });

  it('puts IPv6 first when asked, IPv4 after', () => {
    const endpoints = registry.resolve(1, { transport: 'tcp', ipv6: true });
    expect(endpoints.slice(0, 2).map((e) => [e.host, e.ipv6])).toEqual([
      ['2001:b28:f23d:f001::a', true],
      ['149.154.175.50', false],
    ]);
  });

  it('gives test addresses with the test flag', () => {
    const [first] = registry.resolve(2, { transport: 'tcp', test: true });
    expect(first).toMatchObject({ dcId: 2, test: true, media: false, host: '149.154.167.40', port: 443, source: 'built-in' });
  });

  it('tries media-only addresses first for media connections and never for others', () => {
    const media = registry.resolve(4, { transport: 'tcp', media: true });
    expect(media[0]).toMatchObject({ host: '149.154.166.120', media: true });
    expect(media[1]).toMatchObject({ host: '149.154.167.91', media: false });
    const regular = registry.resolve(4, { transport: 'tcp' });
    expect(regular.some((e) => e.host === '149.154.166.120')).toBe(false);
  });

  it('refuses unknown DC ids with a clear typed error', () => {
    for (const [dcId, options] of [
      [6, { transport: 'tcp' }],
      [6, { transport: 'websocket' }],
      [4, { transport: 'tcp', test: true }],
    ] as const) {
      let error: unknown;
      try {
        registry.resolve(dcId, options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DcRegistryError);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as DcRegistryError).code).toBe('DC_UNKNOWN');
      expect((error as Error).message).toContain(`DC ${dcId}`);
    }
  });

  it('refuses malformed ids and transports', () => {
    expect(() => registry.resolve(0, { transport: 'tcp' })).toThrow(expect.objectContaining({ code: 'DC_BAD_INPUT' }));
    expect(() => registry.resolve(1.5, { transport: 'tcp' })).toThrow(expect.objectContaining({ code: 'DC_BAD_INPUT' }));
    expect(() => registry.resolve(1, { transport: 'http' as 'tcp' })).toThrow(/'tcp' or 'websocket'/);
  });

  it('lists known DC ids per transport and environment', () => {
    expect(registry.dcIds({ transport: 'tcp' })).toEqual([1, 2, 3, 4, 5]);
    expect(registry.dcIds({ transport: 'tcp', test: true })).toEqual([1, 2, 3]);
    expect(registry.dcIds({ transport: 'websocket', test: true })).toEqual([1, 2, 3]);
  });

  it('knows the community-reported regions', () => {
    expect([1, 2, 3, 4, 5].map((id) => registry.region(id)?.city)).toEqual(['Miami', 'Amsterdam', 'Miami', 'Amsterdam', 'Singapore']);
    expect(registry.region(9)).toBeUndefined();
  });

  it('returns fresh objects: callers cannot corrupt the tables', () => {
    const [first] = registry.resolve(1, { transport: 'tcp' });
    first.host = 'evil';
    expect(registry.resolve(1, { transport: 'tcp' })[0].host).toBe('149.154.175.50');
  });
});
