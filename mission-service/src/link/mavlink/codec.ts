import { MavLinkPacketParser, MavLinkPacketSplitter, MavLinkProtocolV2 } from 'node-mavlink';
import type { MavLinkData, MavLinkPacket } from 'node-mavlink';
import { REGISTRY, msgIdOf } from './messages.ts';
import { FrameSigner, type SigningKey } from './signing.ts';

/** One decoded frame from the wire. `buffer` is the raw frame (kept for signature checks). */
export interface DecodedFrame {
  sysId: number;
  compId: number;
  msgId: number;
  seq: number;
  signed: boolean;
  buffer: Buffer;
  data: MavLinkData;
}

/**
 * Serializes messages as MAVLink 2 frames. Each link owns one encoder and so its own sequence counter
 * (node-mavlink's `send()` shares one counter across the whole process, which breaks loss statistics
 * on the vehicle side when several links are open).
 */
export class FrameEncoder {
  private seq = 0;
  private readonly plain: MavLinkProtocolV2;
  private readonly signedProto: MavLinkProtocolV2;
  private readonly signer: FrameSigner;

  constructor(sysId: number, compId: number, linkId = 0, now: () => number = Date.now) {
    this.plain = new MavLinkProtocolV2(sysId, compId);
    this.signedProto = new MavLinkProtocolV2(sysId, compId, MavLinkProtocolV2.IFLAG_SIGNED);
    this.signer = new FrameSigner(linkId, now);
  }

  encode(msg: MavLinkData, key?: SigningKey): Buffer {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    if (!key) return this.plain.serialize(msg, seq);
    return this.signer.sign(this.signedProto.serialize(msg, seq), key);
  }
}

/** Counts of what the decoder dropped. */
export interface DecoderCounts {
  frames: number;
  badCrc: number;
  unknownMessage: number;
  decodeErrors: number;
  truncated: number;
}

/**
 * Byte stream → frames, through node-mavlink's splitter and parser. Bad CRC, unknown message ids and
 * payloads that fail to decode are counted and dropped; nothing here throws into the caller.
 */
export class FrameDecoder {
  private readonly splitter: MavLinkPacketSplitter;
  private readonly parser = new MavLinkPacketParser();
  private decodeErrors = 0;
  private frames = 0;
  private unknownMessage = 0;
  private badCrc = 0;
  private truncated = 0;

  constructor(private readonly onFrame: (f: DecodedFrame) => void) {
    this.splitter = new MavLinkPacketSplitter({}, { onCrcError: () => this.badCrc++ });
    this.splitter.pipe(this.parser);
    this.parser.on('data', (packet: MavLinkPacket) => this.onPacket(packet));
    const onStreamError = (): void => {
      this.decodeErrors++;
    };
    this.splitter.on('error', onStreamError);
    this.parser.on('error', onStreamError);
  }

  push(chunk: Buffer): void {
    try {
      this.splitter.write(chunk);
    } catch {
      this.decodeErrors++;
    }
  }

  /**
   * Forget bytes of an incomplete frame. Datagram transports call this after each datagram: a frame never
   * spans datagrams, so a truncated one must not swallow the frames of the next datagram.
   */
  dropPartial(): void {
    const internal = this.splitter as unknown as { buffer?: Buffer };
    if (internal.buffer && internal.buffer.length > 0) {
      this.truncated++;
      internal.buffer = Buffer.alloc(0);
    }
  }

  counts(): DecoderCounts {
    return {
      frames: this.frames,
      badCrc: this.badCrc,
      unknownMessage: this.unknownMessage + this.splitter.unknownPackagesCount,
      decodeErrors: this.decodeErrors,
      truncated: this.truncated,
    };
  }

  destroy(): void {
    this.splitter.unpipe(this.parser);
    this.splitter.destroy();
    this.parser.destroy();
  }

  private onPacket(packet: MavLinkPacket): void {
    const clazz = REGISTRY[packet.header.msgid];
    if (!clazz) {
      this.unknownMessage++;
      return;
    }
    let data: MavLinkData;
    try {
      data = packet.protocol.data(packet.payload, clazz);
    } catch {
      this.decodeErrors++;
      return;
    }
    this.frames++;
    try {
      this.onFrame({
        sysId: packet.header.sysid,
        compId: packet.header.compid,
        msgId: packet.header.msgid,
        seq: packet.header.seq,
        signed: packet.signature !== null,
        buffer: packet.buffer,
        data,
      });
    } catch {
      // A handler bug must not kill the stream; it is counted like a bad frame.
      this.decodeErrors++;
    }
  }
}

export { msgIdOf };
