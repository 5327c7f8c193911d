import { MavLinkPacketSignature, MavLinkProtocolV2 } from 'node-mavlink';
import { LinkError } from '../errors.ts';

/**
 * MAVLink 2 message signing (https://mavlink.io/en/guide/message_signing.html). The secret key is 32 bytes;
 * operators usually type it as 64 hex digits, Mission Planner derives it from a passphrase by SHA-256.
 */
export type SigningKey = Buffer;

/** Parse a key given as 64 hex digits, or derive it from a passphrase (`passphrase:` prefix) like Mission Planner. */
export function parseSigningKey(text: string): SigningKey {
  const t = text.trim();
  if (t.startsWith('passphrase:')) return MavLinkPacketSignature.key(t.slice('passphrase:'.length));
  if (!/^[0-9a-fA-F]{64}$/.test(t)) {
    throw new LinkError(
      'invalid_argument',
      '签名密钥须为 64 位十六进制数 / signing key must be 64 hex digits (32 bytes), or "passphrase:<text>"',
    );
  }
  return Buffer.from(t, 'hex');
}

/** Offset of the 2015-01-01 signing epoch, in ms. */
const EPOCH_MS = MavLinkProtocolV2.SIGNATURE_START_TIME;

/**
 * Signs frames for one link. Timestamps are in 10 µs units since 2015-01-01 and strictly increase per link,
 * as the spec requires, even when many frames go out within the same millisecond.
 */
export class FrameSigner {
  private lastTimestamp = 0;

  constructor(
    private readonly linkId: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Append the signature to a frame serialized with the IFLAG_SIGNED flag already set (it is under the CRC). */
  sign(frame: Buffer, key: SigningKey): Buffer {
    const out = Buffer.concat([frame, Buffer.alloc(MavLinkPacketSignature.SIGNATURE_LENGTH)]);
    const sig = new MavLinkPacketSignature(out);
    this.lastTimestamp = Math.max((this.now() - EPOCH_MS) * 100, this.lastTimestamp + 1);
    sig.linkId = this.linkId;
    sig.timestamp = this.lastTimestamp;
    sig.signature = sig.calculate(key);
    return out;
  }
}

export type SignatureVerdict = 'ok' | 'unsigned' | 'bad_signature' | 'replayed';

/** Verifies incoming signed frames and rejects replays per (sysid, compid, linkId) stream. */
export class SignatureVerifier {
  private readonly lastSeen = new Map<string, number>();

  check(buffer: Buffer, sysId: number, compId: number, key: SigningKey): SignatureVerdict {
    if (buffer.length < 12 || buffer.readUInt8(0) !== MavLinkProtocolV2.START_BYTE) return 'unsigned';
    if ((buffer.readUInt8(2) & MavLinkProtocolV2.IFLAG_SIGNED) === 0) return 'unsigned';
    const sig = new MavLinkPacketSignature(buffer);
    if (!sig.matches(key)) return 'bad_signature';
    const stream = `${sysId}/${compId}/${sig.linkId}`;
    const ts = sig.timestamp;
    const last = this.lastSeen.get(stream);
    if (last !== undefined && ts <= last) return 'replayed';
    this.lastSeen.set(stream, ts);
    return 'ok';
  }
}
