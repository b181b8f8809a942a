/**
 * Ordering TCP addresses for one DC: which to try first, which to leave out (protocol notes §5.4).
 *
 *   1. addresses learned from help.getConfig, then the built-in ones (a fallback if the learned
 *      ones are all unreachable);
 *   2. for media connections, media-only addresses first, then the DC's regular ones; regular
 *      connections never use media-only addresses;
 *   3. IPv6 first when preferred, else IPv4 only;
 *   4. `static` addresses after the others;
 *   5. then the same addresses on the other standard ports (443, 80, 5222), except those flagged
 *      `this_port_only`.
 */
import type { LearnedAddress } from './dc-option.js';
import type { DcEndpoint, EndpointSource } from './endpoint.js';
import { BUILT_IN_PORTS, type BuiltInAddress } from './tables.js';

export interface TcpCandidate extends LearnedAddress {
  source: EndpointSource;
}

export interface TcpSelection {
  test: boolean;
  media: boolean;
  ipv6: boolean;
  obfuscated: boolean;
  cdn: boolean;
}

export function builtInCandidates(addresses: readonly BuiltInAddress[], dcId: number): TcpCandidate[] {
  return addresses
    .filter((address) => address.dcId === dcId)
    .map((address) => ({
      dcId,
      ip: address.ip,
      port: BUILT_IN_PORTS[0],
      ipv6: address.ipv6,
      media: address.media,
      tcpoOnly: false,
      cdn: false,
      static: false,
      thisPortOnly: false,
      source: 'built-in' as const,
    }));
}

/** Filters and orders candidates (already in learned-then-built-in order) into endpoints. */
export function orderTcpEndpoints(candidates: readonly TcpCandidate[], selection: TcpSelection): DcEndpoint[] {
  const usable = candidates
    .map((candidate, index) => ({ candidate, index }))
    .filter(({ candidate }) => {
      if (candidate.cdn !== selection.cdn) return false;
      if (candidate.media && !selection.media) return false;
      if (candidate.ipv6 && !selection.ipv6) return false;
      if (candidate.tcpoOnly && !selection.obfuscated) return false;
      return true;
    });
  const rank = ({ candidate, index }: { candidate: TcpCandidate; index: number }): number[] => [
    candidate.source === 'built-in' ? 1 : 0,
    selection.media && !candidate.media ? 1 : 0,
    candidate.ipv6 ? 0 : 1,
    candidate.static ? 1 : 0,
    index,
  ];
  usable.sort((a, b) => compareRanks(rank(a), rank(b)));

  const out: DcEndpoint[] = [];
  const seen = new Set<string>();
  const push = (candidate: TcpCandidate, port: number) => {
    const key = `${candidate.ip}|${port}|${candidate.secret ? hex(candidate.secret) : ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(toEndpoint(candidate, port, selection));
  };
  for (const { candidate } of usable) push(candidate, candidate.port);
  for (const port of BUILT_IN_PORTS) {
    for (const { candidate } of usable) if (!candidate.thisPortOnly) push(candidate, port);
  }
  return out;
}

function toEndpoint(candidate: TcpCandidate, port: number, selection: TcpSelection): DcEndpoint {
  const endpoint: DcEndpoint = {
    dcId: candidate.dcId,
    test: selection.test,
    // The address's own flag: it decides whether the DC id travels negated (TDLib does the same).
    media: candidate.media,
    host: candidate.ip,
    port,
    source: candidate.source,
    ipv6: candidate.ipv6,
  };
  if (candidate.secret !== undefined) endpoint.secret = candidate.secret.slice();
  if (candidate.tcpoOnly) endpoint.obfuscatedOnly = true;
  if (candidate.static) endpoint.static = true;
  return endpoint;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
