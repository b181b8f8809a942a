// A server that answers with random bytes: the transport ends with exactly one close whose reason
// is TRANSPORT_PROTOCOL (corrupt stream) or TRANSPORT_CLOSED (the garbage happened to parse), and
// runs no handler after it.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { client } from './client-helpers.js';
import { packet, startServer, type LoopbackServer } from './loopback-server.js';

let server: LoopbackServer;
let garbage: Uint8Array[] = [];
beforeAll(async () => {
  server = await startServer((conn) => {
    for (const chunk of garbage) conn.socket.write(chunk);
    conn.socket.end();
  });
});
afterAll(() => server.close());

it('random server bytes never crash the transport', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('abridged', 'intermediate', 'padded', 'full') as fc.Arbitrary<'abridged' | 'intermediate' | 'padded' | 'full'>,
      fc.boolean(),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 8 }),
      async (framing, obfuscated, chunks) => {
        garbage = chunks;
        const c = client({ framing, obfuscated: obfuscated && framing !== 'full', maxPacketLength: 65536 }, { host: server.host, port: server.port });
        await c.transport.connect();
        await c.transport.send(packet(1));
        const info = await c.closed;
        expect(info.byClient).toBe(false);
        expect(['TRANSPORT_PROTOCOL', 'TRANSPORT_CLOSED']).toContain(info.error?.code);
        expect(c.calls.filter((call) => call === 'close')).toHaveLength(1);
        expect(c.calls.at(-1)).toBe('close');
      },
    ),
    { numRuns: 60 },
  );
});
