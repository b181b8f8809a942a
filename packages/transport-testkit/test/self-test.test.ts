// The suite must catch broken transports: each wrapper below breaks one rule of the contract.
import type { TransportFactory, TransportHandlers } from '@x/mtproto-core';
import { tcpTransport } from '@x/transport-tcp';
import { describe, expect, it } from 'vitest';
import { runTransportConformance, type ConformanceCheckName, type ConformanceServer } from '../src/runner.js';

function broken(wrap: (handlers: TransportHandlers) => TransportHandlers): TransportFactory {
  const inner = tcpTransport({ framing: 'intermediate', obfuscated: false });
  return { kind: 'tcp', create: (target, handlers) => inner.create(target, wrap(handlers)) };
}

const tcpTarget = (server: ConformanceServer, dcId: number) => {
  const endpoint = server.endpoint(dcId);
  return { dcId, test: false, media: false, host: endpoint.host, port: endpoint.tcpPort };
};

function outcome(results: { name: ConformanceCheckName; ok: boolean }[]): Record<string, boolean> {
  return Object.fromEntries(results.map((result) => [result.name, result.ok]));
}

describe('the suite fails broken transports', () => {
  it('reports a double close and swallowed transport errors, and passes what still works', async () => {
    const results = await runTransportConformance({
      factory: () =>
        broken((handlers) => ({
          packet: (data) => handlers.packet(data),
          transportError: () => {},
          close: (info) => {
            handlers.close(info);
            handlers.close(info);
          },
        })),
      target: tcpTarget,
      only: ['auth key exchange', 'server close', 'client close', 'transport error codes'],
    });
    expect(outcome(results)).toEqual({
      'auth key exchange': true,
      'server close': false,
      'client close': false,
      'transport error codes': false,
    });
    expect(results.find((result) => result.name === 'transport error codes')?.error?.message).toMatch(/transportError was not called/);
  });

  it('fails the chunking checks when the target ignores the proxied addresses', async () => {
    let cached: ConformanceServer | undefined;
    const results = await runTransportConformance({
      factory: (server) => {
        cached = server;
        return tcpTransport({ framing: 'intermediate', obfuscated: false });
      },
      // Uses the addresses seen at start-up, not the ones it is handed.
      target: (_server, dcId) => tcpTarget(cached!, dcId),
      only: ['1-byte chunking'],
    });
    expect(outcome(results)).toEqual({ '1-byte chunking': false });
    expect(results[0].error?.message).toMatch(/nothing went through the re-chunking proxy/);
  });

  it('reports lost packets as a failed pipelining check', async () => {
    let delivered = 0;
    const results = await runTransportConformance({
      // Loses every packet after the three of the auth-key exchange.
      factory: () => broken((handlers) => ({ ...handlers, packet: (data) => (++delivered <= 3 ? handlers.packet(data) : undefined) })),
      target: tcpTarget,
      only: ['pipelined RPCs'],
      pipelinedRpcs: 50,
      checkTimeoutMs: 1_500,
    });
    expect(outcome(results)).toEqual({ 'pipelined RPCs': false });
  });
});
