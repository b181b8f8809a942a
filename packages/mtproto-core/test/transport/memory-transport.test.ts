// The in-memory transport (the TRANSPORTS.md example) against the Transport contract.
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  MemoryPeer,
  memoryTransport,
  TransportError,
  type FramingKind,
  type MemoryTransportOptions,
  type Transport,
  type TransportCloseInfo,
  type TransportTarget,
} from '../../src/index.js';
import { encryptedPacket, testCrypto, toHex } from './helpers.js';

const TARGET: TransportTarget = { dcId: 2, test: true, media: false };

/** A transport wired to a fresh MemoryPeer, with every handler call recorded. */
function setup(options: Partial<MemoryTransportOptions> = {}, peerSetup?: (peer: MemoryPeer) => void) {
  const peers: MemoryPeer[] = [];
  const calls: string[] = [];
  const packets: Uint8Array[] = [];
  const quickAcks: number[] = [];
  const errors: TransportError[] = [];
  const closes: TransportCloseInfo[] = [];
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (closed = resolve));
  const factory = memoryTransport({
    ...options,
    accept: (end) => {
      const peer = new MemoryPeer(end, { crypto: testCrypto });
      peers.push(peer);
      peerSetup?.(peer);
    },
  });
  const transport: Transport = factory.create(TARGET, {
    packet: (data) => {
      calls.push('packet');
      packets.push(data);
    },
    quickAck: (token) => {
      calls.push('quickAck');
      quickAcks.push(token);
    },
    transportError: (error) => {
      calls.push('transportError');
      errors.push(error);
    },
    close: (info) => {
      calls.push('close');
      closes.push(info);
      closed();
    },
  });
  return { factory, transport, peers, calls, packets, quickAcks, errors, closes, closedPromise };
}

const echo = (peer: MemoryPeer) => {
  peer.onPacket = (packet, quickAck) => {
    if (quickAck) peer.sendQuickAck(0x80000000 | packet[0]);
    peer.send(packet.slice());
  };
};

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('memoryTransport', () => {
  it('is a factory of kind "memory" that resolves any DC', () => {
    const { factory, transport } = setup();
    expect(factory.kind).toBe('memory');
    expect(factory.resolve?.(3, { test: false, media: true })).toEqual([{ dcId: 3, test: false, media: true }]);
    expect(transport.description).toBe('memory/intermediate');
  });

  const framings: Array<[FramingKind, boolean]> = [
    ['abridged', false],
    ['intermediate', false],
    ['padded', false],
    ['full', false],
    ['abridged', true],
    ['intermediate', true],
    ['padded', true],
  ];
  for (const [framing, obfuscated] of framings) {
    for (const chunkSize of [1, 7, undefined]) {
      it(`echoes packets: ${framing}${obfuscated ? ' obfuscated' : ''}, chunks of ${chunkSize ?? 'any'} bytes`, async () => {
        const t = setup({ framing, chunkSize, obfuscation: obfuscated ? { crypto: testCrypto } : undefined }, echo);
        await t.transport.connect();
        const sent = [encryptedPacket(1, 1), encryptedPacket(40, 2), encryptedPacket(3, 3)];
        for (const packet of sent) await t.transport.send(packet, { quickAck: true });
        await until(() => t.packets.length === sent.length);
        expect(t.packets.map(toHex)).toEqual(sent.map(toHex));
        expect(t.peers[0].info).toEqual({ framing, obfuscated, ...(obfuscated ? { dcId: 10002 } : {}) });
        if (framing !== 'full') expect(t.quickAcks).toEqual(sent.map((p) => (0x80000000 | p[0]) >>> 0));
        await t.transport.close();
      });
    }
  }

  it('turns transport error packets into TransportErrors, and the close after them into the close reason', async () => {
    const t = setup({}, (peer) => {
      peer.onPacket = () => {
        for (const code of [-404, -429, -444, -403]) peer.sendTransportError(code);
        peer.close();
      };
    });
    await t.transport.connect();
    await t.transport.send(encryptedPacket(1));
    await t.closedPromise;
    expect(t.errors.map((e) => [e.code, e.transportCode])).toEqual([
      ['TRANSPORT_404', -404],
      ['TRANSPORT_429', -429],
      ['TRANSPORT_444', -444],
      ['TRANSPORT_403', -403],
    ]);
    expect(t.closes).toHaveLength(1);
    expect(t.closes[0].byClient).toBe(false);
    expect(t.closes[0].error?.code).toBe('TRANSPORT_CLOSED');
    expect(t.closes[0].error?.transportCode).toBe(-403);
  });

  it('client close: close delivered once with byClient, the peer sees it, later sends reject', async () => {
    let peerClosed = false;
    const t = setup({}, (peer) => (peer.onClose = () => (peerClosed = true)));
    await t.transport.connect();
    await t.transport.close();
    await t.transport.close();
    expect(t.closes).toEqual([{ byClient: true }]);
    await until(() => peerClosed);
    await expect(t.transport.send(encryptedPacket(1))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('no handler runs after close, even if the peer keeps sending', async () => {
    const t = setup({}, (peer) => {
      peer.onPacket = (packet) => {
        peer.send(packet.slice());
        peer.send(packet.slice());
      };
    });
    await t.transport.connect();
    await t.transport.send(encryptedPacket(1));
    await t.transport.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(t.calls).toEqual(['close']);
  });

  it('a corrupt stream closes the transport with TRANSPORT_PROTOCOL', async () => {
    const t = setup({}, (peer) => (peer.onPacket = () => peer.sendRaw(Uint8Array.of(0xff, 0xff, 0xff, 0x7f))));
    await t.transport.connect();
    await t.transport.send(encryptedPacket(1));
    await t.closedPromise;
    expect(t.closes[0].error?.code).toBe('TRANSPORT_PROTOCOL');
    expect(t.calls).toEqual(['close']);
  });

  it('back-pressure: send() waits while the far end does not read, and resumes when it does', async () => {
    const t = setup({ highWaterMark: 16 * 1024 }, (peer) => (peer.onPacket = () => {}));
    await t.transport.connect();
    t.peers[0].pauseReading();
    await t.transport.send(encryptedPacket(100)); // 1.6 KB: below the mark
    let resolved = false;
    const slow = t.transport.send(encryptedPacket(2000)).then(() => (resolved = true)); // 32 KB: above
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resolved).toBe(false);
    t.peers[0].resumeReading();
    await slow;
    expect(resolved).toBe(true);
    await t.transport.close();
  });

  it('sends waiting for drain are rejected when the transport closes', async () => {
    const t = setup({ highWaterMark: 1024 }, (peer) => (peer.onPacket = () => {}));
    await t.transport.connect();
    t.peers[0].pauseReading();
    const pending = t.transport.send(encryptedPacket(200));
    await t.transport.close();
    await expect(pending).rejects.toBeInstanceOf(TransportError);
  });

  it('connect: refused, aborted, twice; send before connect', async () => {
    const refused = memoryTransport({
      accept: () => {
        throw new Error('no');
      },
    }).create(TARGET, { packet() {}, transportError() {}, close: () => expect.fail('close after a failed connect') });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_REFUSED' });

    const aborted = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(aborted.transport.connect({ signal: controller.signal })).rejects.toBeInstanceOf(AbortError);

    const twice = setup();
    await expect(twice.transport.send(encryptedPacket(1))).rejects.toMatchObject({ code: 'TRANSPORT_STATE' });
    await twice.transport.connect();
    await expect(twice.transport.connect()).rejects.toMatchObject({ code: 'TRANSPORT_STATE' });
    await twice.transport.close();
  });

  it('a bad packet is refused by send() without closing the transport', async () => {
    const t = setup({ framing: 'abridged' }, echo);
    await t.transport.connect();
    await expect(t.transport.send(new Uint8Array(41))).rejects.toMatchObject({ code: 'FRAMING_PAYLOAD' });
    await t.transport.send(encryptedPacket(1));
    await until(() => t.packets.length === 1);
    await t.transport.close();
  });
});
