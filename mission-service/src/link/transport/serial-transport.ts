import { LinkError } from '../errors.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import type { PeerId, Transport, TransportEvents } from './transport.ts';

const PEER: PeerId = 'serial';

interface SerialPortLike {
  on(event: 'data', cb: (b: Buffer) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  on(event: 'close', cb: () => void): void;
  open(cb: (err: Error | null) => void): void;
  write(b: Buffer): boolean;
  close(cb?: (err: Error | null) => void): void;
  readonly isOpen: boolean;
}
type SerialPortCtor = new (o: { path: string; baudRate: number; autoOpen: boolean }) => SerialPortLike;

/** Load `serialport` only when a serial link is asked for, so a missing native binding breaks nothing else. */
async function loadSerialPort(): Promise<SerialPortCtor> {
  try {
    const mod = (await import('serialport')) as unknown as { SerialPort: SerialPortCtor };
    return mod.SerialPort;
  } catch (e) {
    throw new LinkError(
      'unsupported',
      `串口不可用 / serial ports unavailable: the serialport package could not be loaded (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

/** Serial radio link (SiK telemetry radios, USB to the autopilot). Reopens with backoff after unplugging. */
export class SerialTransport implements Transport {
  private port: SerialPortLike | undefined;
  private closed = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly path: string,
    private readonly baudRate: number,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  get description(): string {
    return `serial://${this.path}:${this.baudRate}`;
  }

  async open(events: TransportEvents): Promise<void> {
    const SerialPort = await loadSerialPort();
    await new Promise<void>((resolve, reject) => this.openOnce(SerialPort, events, resolve, reject));
  }

  private openOnce(
    SerialPort: SerialPortCtor,
    events: TransportEvents,
    resolve?: () => void,
    reject?: (e: LinkError) => void,
  ): void {
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    port.on('data', (b) => events.data(b, PEER, false));
    port.on('error', (e) => events.warn(`${this.description}: ${e.message}`));
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
      events.state(false);
      this.scheduleReopen(SerialPort, events);
    });
    port.open((err) => {
      if (err) {
        if (reject)
          reject(
            new LinkError('connection_error', `无法打开串口 / cannot open ${this.description}: ${err.message}`, {
              cause: err,
            }),
          );
        else this.scheduleReopen(SerialPort, events);
        return;
      }
      this.port = port;
      this.attempt = 0;
      events.state(true);
      resolve?.();
    });
  }

  private scheduleReopen(SerialPort: SerialPortCtor, events: TransportEvents): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.openOnce(SerialPort, events), backoffDelay(this.attempt++, this.backoff));
    this.timer.unref();
  }

  send(chunk: Buffer): void {
    if (this.port?.isOpen) this.port.write(chunk);
  }

  peers(): PeerId[] {
    return this.port ? [PEER] : [];
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const p = this.port;
    this.port = undefined;
    if (!p?.isOpen) return Promise.resolve();
    return new Promise((resolve) => p.close(() => resolve()));
  }
}
