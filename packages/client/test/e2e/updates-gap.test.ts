import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportFactory } from '@x/mtproto-core';
import type { TestDc } from '@x/test-dc';
import { tcpTransport } from '@x/transport-tcp';
import { webSocketTransport } from '@x/transport-ws';
import type { Logger } from '../../src/index.node.js';
import { BOT_ID, KINDS, collectMessages, newClient, startDc, until, type Kind } from './helpers.js';

/** Wraps a real transport so a test can make the next inbound packet vanish (a lost push). */
function lossyTransport(inner: TransportFactory): TransportFactory & { dropNextInbound(): void; dropped: number } {
  let armed = false;
  const factory = {
    kind: inner.kind,
    dropped: 0,
    dropNextInbound() {
      armed = true;
    },
    create(target: Parameters<TransportFactory['create']>[0], handlers: Parameters<TransportFactory['create']>[1]) {
      return inner.create(target, {
        ...handlers,
        packet(data: Uint8Array) {
          if (armed) {
            armed = false;
            factory.dropped++;
            return;
          }
          handlers.packet(data);
        },
      });
    },
  };
  return factory;
}

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, lines };
}

describe.each(KINDS)('update gaps over %s', (kind: Kind) => {
  let dc: TestDc;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });

  it('a lost push is noticed from the next one and recovered with getDifference: all delivered, in order, once', async () => {
    const transport = lossyTransport(kind === 'tcp' ? tcpTransport() : webSocketTransport({ ca: dc.tlsCaPem! }));
    const { logger, lines } = recording();
    const client = newClient(dc, { transport, logger, logLevel: 'debug', updateGapTimeoutMs: 100 });
    await client.connect();
    try {
      const received = collectMessages(client);
      // Senders known: pushes are applied straight away, so only the gap rule can notice the loss.
      await client.chatRef('@alice');
      await client.chatRef('@bob');
      await client.invoke({ _: 'updates.getState' }); // nothing else in flight from here on

      transport.dropNextInbound();
      dc.control.sendAsUser({ from: 'alice', to: BOT_ID, text: 'lost on the way' });
      await until(() => transport.dropped === 1, 5000, 'the push to be dropped');
      expect(received).toEqual([]);

      dc.control.sendAsUser({ from: 'alice', to: BOT_ID, text: 'arrives after the gap' });
      await until(() => received.length >= 2, 10_000, 'both messages');
      dc.control.sendAsUser({ from: 'bob', to: BOT_ID, text: 'in order again' });
      await until(() => received.length >= 3, 10_000, 'the third message');
      await client.invoke({ _: 'updates.getState' });

      expect(received.map((message) => message.text)).toEqual(['lost on the way', 'arrives after the gap', 'in order again']);
      expect(lines.some((line) => line.startsWith('updates: gap detected'))).toBe(true);
    } finally {
      await client.stop();
    }
  });

  it('after new_session_created (the server forgot our session) the client catches up: delivered once', async () => {
    const client = newClient(dc, kind === 'tcp' ? {} : { webSocket: true });
    await client.connect();
    try {
      const received = collectMessages(client);
      dc.control.forgetSessions(); // next message gets new_session_created: the client catches up
      dc.control.sendAsUser({ from: 'alice', to: BOT_ID, text: 'after new session' });
      await client.invoke({ _: 'updates.getState' });
      await until(() => received.length >= 1, 10_000, 'the message');
      await client.invoke({ _: 'updates.getState' });
      expect(received.map((message) => message.text)).toEqual(['after new session']);
    } finally {
      await client.stop();
    }
  });
});
