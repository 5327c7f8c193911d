/** Identifies where a datagram came from (UDP `addr:port`), or the single stream peer of TCP/serial. */
export type PeerId = string;

export interface TransportEvents {
  /** Bytes from a peer. Datagram transports deliver whole datagrams (`datagram: true`). */
  data: (chunk: Buffer, peer: PeerId, datagram: boolean) => void;
  /** The link came up (connected / reopened) or went down. */
  state: (up: boolean) => void;
  /** A problem worth logging that does not end the transport. */
  warn: (message: string) => void;
}

/** A byte pipe to one or more peers; opened once, reconnects on its own where that makes sense. */
export interface Transport {
  readonly description: string;
  /** Resolves once the transport can carry data; rejects with LinkError('connection_error'). */
  open(events: TransportEvents): Promise<void>;
  /** Send to one peer, or to every known peer when `peer` is omitted. Never throws. */
  send(chunk: Buffer, peer?: PeerId): void;
  /** Known peers (for UDP: addresses heard from, plus the udpout target). */
  peers(): PeerId[];
  close(): Promise<void>;
  /** Local address, where it has one (udpin with port 0 in tests). */
  localAddress?(): { address: string; port: number } | undefined;
}
