/**
 * MAVLink 2 message signing (link id 0, timestamps in 10 µs units since 2015-01-01), built on
 * node-mavlink's signature support: signs outgoing frames and checks incoming ones, including the
 * rule that each (link id, sysid, compid) stream's timestamps only move forward.
 */
import { MavLinkPacketSignature, MavLinkProtocolV2 } from 'node-mavlink';

const EPOCH_MS = Date.UTC(2015, 0, 1);
/** How far behind our clock a new stream's first timestamp may be (one minute). */
const NEW_STREAM_WINDOW = 60 * 100_000;

/** Current time as a signing timestamp (10 µs units since 2015-01-01). */
export function signingTimestampNow(): number {
  return Math.floor((Date.now() - EPOCH_MS) * 100);
}

export class Signing {
  private lastTimestamp = 0;
  private readonly streams = new Map<number, number>();

  constructor(
    readonly key: Buffer,
    readonly linkId = 0,
  ) {
    if (key.length !== 32) throw new Error('signing key must be 32 bytes / 签名密钥必须为 32 字节');
  }

  private nextTimestamp(): number {
    this.lastTimestamp = Math.max(this.lastTimestamp + 1, signingTimestampNow());
    return this.lastTimestamp;
  }

  /** Appends a signature to a frame serialised with the SIGNED incompatibility flag set. */
  sign(frame: Buffer): Buffer {
    const out = Buffer.alloc(frame.length + MavLinkPacketSignature.SIGNATURE_LENGTH);
    frame.copy(out, 0);
    const sig = new MavLinkPacketSignature(out);
    sig.linkId = this.linkId;
    sig.timestamp = this.nextTimestamp();
    sig.signature = sig.calculate(this.key);
    return out;
  }

  /** Whether a received frame is signed with our key and its timestamp is acceptable. */
  verify(frame: Buffer): boolean {
    if (frame[0] !== MavLinkProtocolV2.START_BYTE) return false;
    if (((frame[2] ?? 0) & MavLinkProtocolV2.IFLAG_SIGNED) === 0) return false;
    const payloadLength = frame[1] ?? 0;
    if (frame.length !== 10 + payloadLength + 2 + MavLinkPacketSignature.SIGNATURE_LENGTH) return false;
    const sig = new MavLinkPacketSignature(frame);
    if (!sig.matches(this.key)) return false;
    const ts = sig.timestamp;
    const stream = sig.linkId * 65536 + (frame[5] ?? 0) * 256 + (frame[6] ?? 0);
    const last = this.streams.get(stream);
    if (last === undefined) {
      if (ts + NEW_STREAM_WINDOW < Math.max(this.lastTimestamp, signingTimestampNow())) return false;
    } else if (ts <= last) {
      return false;
    }
    this.streams.set(stream, ts);
    if (ts > this.lastTimestamp) this.lastTimestamp = ts;
    return true;
  }
}
