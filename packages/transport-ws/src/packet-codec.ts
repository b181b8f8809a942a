/**
 * What goes into and comes out of the WebSocket messages, behind one small interface:
 * - the obfuscated stream Telegram accepts (TransportCodec from @x/mtproto-core), or
 * - `raw`: one bare MTProto packet per message.
 */
import {
  obfuscatedDcId,
  ProtocolError,
  TransportCodec,
  type FrameSink,
  type ObfuscationCrypto,
  type TransportSendOptions,
  type TransportTarget,
} from '@x/mtproto-core';
import type { WebSocketFraming } from './options.js';

export interface PacketCodec {
  /** Sent once, as its own message, before the first packet (empty for raw). */
  readonly preamble: Uint8Array;
  /** One packet -> the bytes of one message. Must be sent in call order. */
  encode(packet: Uint8Array, options?: TransportSendOptions): Uint8Array;
  /** One received message. Takes ownership; may throw ProtocolError (then close). */
  feed(message: Uint8Array): void;
}

export function createPacketCodec(
  framing: WebSocketFraming,
  settings: { crypto: ObfuscationCrypto; target: TransportTarget; maxPacketLength: number },
  sink: FrameSink,
): PacketCodec {
  if (framing === 'raw') return new RawPacketCodec(settings.maxPacketLength, sink);
  const { crypto, target } = settings;
  // Obfuscation is mandatory on WebSocket (§4.1). The DC id at init[60] is optional there; it is
  // written as TDLib and gotd do, so the same init works through an MTProxy-style relay.
  return new TransportCodec(
    {
      framing,
      obfuscation: { crypto, dcId: obfuscatedDcId(target) },
      random: (bytes) => crypto.randomFill(bytes),
      maxPacketLength: settings.maxPacketLength,
    },
    sink,
  );
}

/**
 * `framing: 'raw'`: the message boundary is the packet boundary. A 4-byte message holding a
 * negative int32 is a transport error code (-404...), as in every other framing.
 */
export class RawPacketCodec implements PacketCodec {
  readonly preamble = new Uint8Array(0);

  constructor(
    private readonly maxPacketLength: number,
    private readonly sink: FrameSink,
  ) {}

  encode(packet: Uint8Array): Uint8Array {
    if (packet.length === 0 || packet.length > this.maxPacketLength) {
      throw new ProtocolError('FRAMING_PAYLOAD', `raw framing: cannot send a packet of ${packet.length} bytes`);
    }
    return packet;
  }

  feed(message: Uint8Array): void {
    if (message.length === 4) {
      const code = new DataView(message.buffer, message.byteOffset, 4).getInt32(0, true);
      if (code < 0) {
        this.sink.transportError(code);
        return;
      }
    }
    if (message.length < 8) throw new ProtocolError('FRAMING_LENGTH', `raw framing: a ${message.length}-byte message is not a packet`);
    if (message.length > this.maxPacketLength) {
      throw new ProtocolError('FRAMING_LENGTH', `raw framing: a ${message.length}-byte message is over the ${this.maxPacketLength}-byte limit`);
    }
    this.sink.packet(message, false);
  }
}
