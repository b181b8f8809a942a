// The WHATWG WebSocket class (DOM typings, as in browsers, Deno and Bun) fits the injected-class option.
import { expect, expectTypeOf, it } from 'vitest';
import type { TransportFactory } from '@x/mtproto-core';
import { webSocketTransport, type WebSocketConstructor } from '../src/index.js';

it('DOM WebSocket is a WebSocketConstructor; the factory is a TransportFactory', () => {
  expectTypeOf<typeof WebSocket>().toExtend<WebSocketConstructor>();
  expectTypeOf<ReturnType<typeof webSocketTransport>>().toExtend<TransportFactory>();
  expect(typeof webSocketTransport).toBe('function');
});
