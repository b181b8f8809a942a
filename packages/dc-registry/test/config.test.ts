import { describe, expect, it } from 'vitest';
import { DcRegistry, type DcOptionLike } from '../src/index.js';

const option = (fields: Partial<DcOptionLike> & Pick<DcOptionLike, 'id' | 'ipAddress' | 'port'>): DcOptionLike => ({ _: 'dcOption', ...fields });
const hostsPorts = (endpoints: { host: string; port: number }[]) => endpoints.map((e) => `${e.host}:${e.port}`);

describe('help.getConfig dc_options', () => {
  it('tries learned addresses first, then the built-in ones', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ dcOptions: [option({ id: 1, ipAddress: '149.154.175.53', port: 443, thisPortOnly: true })] });
    const endpoints = registry.resolve(1, { transport: 'tcp' });
    expect(endpoints[0]).toMatchObject({ host: '149.154.175.53', port: 443, source: 'config' });
    expect(endpoints[1]).toMatchObject({ host: '149.154.175.50', port: 443, source: 'built-in' });
  });

  it('this_port_only: no other ports are tried; otherwise 443, 80 and 5222 come after', () => {
    const registry = new DcRegistry();
    registry.applyConfig({
      dcOptions: [option({ id: 7, ipAddress: '10.1.1.1', port: 8443, thisPortOnly: true }), option({ id: 7, ipAddress: '10.1.1.2', port: 8888 })],
    });
    expect(hostsPorts(registry.resolve(7, { transport: 'tcp' }))).toEqual([
      '10.1.1.1:8443',
      '10.1.1.2:8888',
      '10.1.1.2:443',
      '10.1.1.2:80',
      '10.1.1.2:5222',
    ]);
  });

  it('ipv6: used only when IPv6 is enabled, and first then', () => {
    const registry = new DcRegistry();
    registry.applyConfig({
      dcOptions: [option({ id: 8, ipAddress: '10.0.0.8', port: 443, thisPortOnly: true }), option({ id: 8, ipv6: true, ipAddress: '2001:db8::8', port: 443, thisPortOnly: true })],
    });
    expect(hostsPorts(registry.resolve(8, { transport: 'tcp' }))).toEqual(['10.0.0.8:443']);
    expect(hostsPorts(registry.resolve(8, { transport: 'tcp', ipv6: true }))).toEqual(['2001:db8::8:443', '10.0.0.8:443']);
  });

  it('force_try_ipv6 makes IPv6 the default, an explicit ipv6: false still wins', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ forceTryIpv6: true, dcOptions: [option({ id: 8, ipv6: true, ipAddress: '2001:db8::8', port: 443, thisPortOnly: true })] });
    expect(registry.resolve(8, { transport: 'tcp' })[0].host).toBe('2001:db8::8');
    expect(() => registry.resolve(8, { transport: 'tcp', ipv6: false })).toThrow(expect.objectContaining({ code: 'DC_NO_ADDRESS', message: expect.stringContaining('ipv6: true') }));
  });

  it('media_only: first for media connections, never for regular ones; marked media', () => {
    const registry = new DcRegistry();
    registry.applyConfig({
      dcOptions: [option({ id: 2, ipAddress: '10.0.0.1', port: 443, thisPortOnly: true }), option({ id: 2, mediaOnly: true, ipAddress: '10.0.0.2', port: 443, thisPortOnly: true })],
    });
    const media = registry.resolve(2, { transport: 'tcp', media: true });
    expect(media.slice(0, 2).map((e) => [e.host, e.media])).toEqual([
      ['10.0.0.2', true],
      ['10.0.0.1', false],
    ]);
    expect(registry.resolve(2, { transport: 'tcp' }).some((e) => e.host === '10.0.0.2')).toBe(false);
  });

  it('tcpo_only: flagged, and left out when the transport will not obfuscate', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ dcOptions: [option({ id: 9, tcpoOnly: true, ipAddress: '10.0.0.9', port: 443, thisPortOnly: true })] });
    expect(registry.resolve(9, { transport: 'tcp' })).toEqual([
      { dcId: 9, test: false, media: false, host: '10.0.0.9', port: 443, ipv6: false, obfuscatedOnly: true, source: 'config' },
    ]);
    expect(() => registry.resolve(9, { transport: 'tcp', obfuscated: false })).toThrow(expect.objectContaining({ code: 'DC_NO_ADDRESS' }));
  });

  it('cdn: only resolved when asked for a CDN DC', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ dcOptions: [option({ id: 203, cdn: true, ipAddress: '10.0.2.3', port: 443, thisPortOnly: true })] });
    expect(() => registry.resolve(203, { transport: 'tcp' })).toThrow(expect.objectContaining({ code: 'DC_UNKNOWN' }));
    expect(registry.resolve(203, { transport: 'tcp', cdn: true })[0].host).toBe('10.0.2.3');
    expect(() => registry.resolve(1, { transport: 'tcp', cdn: true })).toThrow(expect.objectContaining({ code: 'DC_UNKNOWN' }));
    expect(registry.dcIds({ transport: 'tcp' })).not.toContain(203);
  });

  it('static: tried after the non-static addresses', () => {
    const registry = new DcRegistry();
    registry.applyConfig({
      dcOptions: [option({ id: 7, static: true, ipAddress: '10.0.0.1', port: 443, thisPortOnly: true }), option({ id: 7, ipAddress: '10.0.0.2', port: 443, thisPortOnly: true })],
    });
    expect(registry.resolve(7, { transport: 'tcp' }).map((e) => [e.host, e.static])).toEqual([
      ['10.0.0.2', undefined],
      ['10.0.0.1', true],
    ]);
  });

  it('secret: attached to the endpoint as a copy', () => {
    const registry = new DcRegistry();
    const secret = Uint8Array.from({ length: 17 }, (_, i) => (i === 0 ? 0xdd : i));
    registry.applyConfig({ dcOptions: [option({ id: 7, ipAddress: '10.0.0.1', port: 443, thisPortOnly: true, secret })] });
    const [endpoint] = registry.resolve(7, { transport: 'tcp' });
    expect(endpoint.secret).toEqual(secret);
    secret[0] = 0;
    expect(endpoint.secret?.[0]).toBe(0xdd);
    expect(registry.resolve(7, { transport: 'tcp' })[0].secret?.[0]).toBe(0xdd);
  });

  it('a new config replaces the learned addresses', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ dcOptions: [option({ id: 7, ipAddress: '10.0.0.1', port: 443 })] });
    registry.applyConfig({ dcOptions: [option({ id: 8, ipAddress: '10.0.0.8', port: 443 })] });
    expect(() => registry.resolve(7, { transport: 'tcp' })).toThrow(expect.objectContaining({ code: 'DC_UNKNOWN' }));
    expect(registry.dcIds({ transport: 'tcp' })).toEqual([1, 2, 3, 4, 5, 8]);
  });

  it('configs are per environment', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ dcOptions: [option({ id: 2, ipAddress: '10.0.0.1', port: 443 })] }, { test: true });
    expect(registry.resolve(2, { transport: 'tcp', test: true })[0].host).toBe('10.0.0.1');
    expect(registry.resolve(2, { transport: 'tcp' })[0].host).toBe('149.154.167.51');
  });

  it('updateDcOptions replaces only the groups it mentions', () => {
    const registry = new DcRegistry();
    registry.applyConfig({
      dcOptions: [
        option({ id: 7, ipAddress: '10.0.0.1', port: 443, thisPortOnly: true }),
        option({ id: 7, ipv6: true, ipAddress: '2001:db8::1', port: 443, thisPortOnly: true }),
        option({ id: 8, ipAddress: '10.0.0.8', port: 443, thisPortOnly: true }),
      ],
    });
    registry.applyDcOptionsUpdate([option({ id: 7, ipAddress: '10.0.0.77', port: 443, thisPortOnly: true })]);
    expect(hostsPorts(registry.resolve(7, { transport: 'tcp', ipv6: true }))).toEqual(['2001:db8::1:443', '10.0.0.77:443']);
    expect(hostsPorts(registry.resolve(8, { transport: 'tcp' }))).toEqual(['10.0.0.8:443']);
  });

  it('refuses malformed options and changes nothing', () => {
    const registry = new DcRegistry();
    registry.applyConfig({ dcOptions: [option({ id: 7, ipAddress: '10.0.0.1', port: 443 })] });
    const bad: unknown[] = [
      option({ id: 0, ipAddress: '10.0.0.1', port: 443 }),
      option({ id: 7, ipAddress: '', port: 443 }),
      option({ id: 7, ipAddress: '10.0.0.1', port: 70000 }),
      option({ id: 7, ipAddress: '2001:db8::1', port: 443 }),
      option({ id: 7, ipv6: true, ipAddress: '10.0.0.1', port: 443 }),
      { _: 'dcOptionOld', id: 7, ipAddress: '10.0.0.1', port: 443 },
      null,
    ];
    for (const entry of bad) {
      expect(() => registry.applyConfig({ dcOptions: [option({ id: 9, ipAddress: '10.0.0.9', port: 443 }), entry as DcOptionLike] })).toThrow(
        expect.objectContaining({ code: 'DC_BAD_INPUT' }),
      );
    }
    expect(() => registry.applyConfig({} as never)).toThrow(expect.objectContaining({ code: 'DC_BAD_INPUT' }));
    expect(registry.resolve(7, { transport: 'tcp' })[0].host).toBe('10.0.0.1');
    expect(() => registry.resolve(9, { transport: 'tcp' })).toThrow(expect.objectContaining({ code: 'DC_UNKNOWN' }));
  });
});
