/**
 * Encoding and decoding of MAVLink 2 frames with node-mavlink's registries. Each channel keeps its
 * own sequence counter (node-mavlink's `send` shares one across the process).
 */
import {
  MavLinkProtocolV1,
  MavLinkProtocolV2,
  ardupilotmega,
  common,
  minimal,
  standard,
  type MavLinkData,
  type MavLinkDataConstructor,
  type MavLinkPacketHeader,
} from 'node-mavlink';
import type { Signing } from './signing.ts';

/** msgid → message class, for every dialect the vehicle understands. */
export const REGISTRY: Record<number, MavLinkDataConstructor<MavLinkData>> = {
  ...minimal.REGISTRY,
  ...standard.REGISTRY,
  ...common.REGISTRY,
  ...ardupilotmega.REGISTRY,
};

/** Serialises messages from one system/component, signing them when a key is set. */
export class MavEncoder {
  private readonly plain: MavLinkProtocolV2;
  private readonly signed: MavLinkProtocolV2;

  constructor(
    sysid: number,
    compid: number,
    private readonly signing: Signing | null,
  ) {
    this.plain = new MavLinkProtocolV2(sysid, compid);
    this.signed = new MavLinkProtocolV2(sysid, compid, MavLinkProtocolV2.IFLAG_SIGNED);
  }

  encode(msg: MavLinkData, seq: number): Buffer {
    if (!this.signing) return this.plain.serialize(msg, seq & 255);
    return this.signing.sign(this.signed.serialize(msg, seq & 255));
  }
}

export interface DecodedPacket {
  header: MavLinkPacketHeader;
  data: MavLinkData;
  signed: boolean;
}

const V1 = new MavLinkProtocolV1();
const V2 = new MavLinkProtocolV2();

/**
 * Decodes one frame the splitter has already checked (CRC, length). Returns null for messages we
 * have no class for, and throws nothing: a payload that fails to decode gives 'malformed'.
 */
export function decodeFrame(frame: Buffer): DecodedPacket | null | 'malformed' {
  try {
    const protocol = frame[0] === MavLinkProtocolV2.START_BYTE ? V2 : V1;
    const header = protocol.header(frame);
    const clazz = REGISTRY[header.msgid];
    if (!clazz) return null;
    const data = protocol.data(protocol.payload(frame), clazz);
    const signed = protocol === V2 && (header.incompatibilityFlags & MavLinkProtocolV2.IFLAG_SIGNED) !== 0;
    return { header, data, signed };
  } catch {
    return 'malformed';
  }
}
