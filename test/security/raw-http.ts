import net from 'node:net';

/**
 * A hand-driven HTTP/1.1 client on one TCP connection, for what fetch can't
 * do: send bytes that are not a valid request, trickle a body, keep a
 * connection open and see whether the server closes it.
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json(): unknown;
}

export class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  /** Resolves once the server (or the network) ended the connection. */
  readonly whenClosed: Promise<void>;

  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.whenClosed = new Promise((resolve) => {
      const close = () => {
        this.closed = true;
        this.wake();
        resolve();
      };
      socket.on('close', close);
    });
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    // A reset after the answer is a close as far as these tests go.
    socket.on('error', () => undefined);
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes if the connection is still writable; a server that already closed it just drops the bytes. */
  write(data: string | Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data);
  }

  /**
   * The next complete response (Content-Length framed), or undefined when the
   * connection closed first; fails (rather than hanging the test) when neither
   * happened within `withinMs`.
   */
  async response(withinMs = 20_000): Promise<RawResponse | undefined> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const parsed = this.takeResponse();
      if (parsed) return parsed;
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no response and no close within ${withinMs} ms; received ${JSON.stringify(this.pending.slice(0, 200))}`,
        );
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** Waits for the server to close the connection; false if it is still open after `withinMs`. */
  async closedWithin(withinMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), withinMs);
    });
    const result = await Promise.race([this.whenClosed.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Bytes received and not yet taken as a response. */
  get pending(): string {
    return this.buffer.toString('latin1');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private takeResponse(): RawResponse | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine?.split(' ')[1]), headers, body, json: () => JSON.parse(body) };
  }
}

/** One request on a fresh connection that asks to be closed after it. */
export async function rawRequest(baseUrl: string, request: string | Buffer): Promise<RawResponse> {
  const connection = await RawConnection.open(baseUrl);
  try {
    connection.write(request);
    const response = await connection.response();
    if (!response)
      throw new Error(
        `connection closed without a response; received ${JSON.stringify(connection.pending.slice(0, 200))}`,
      );
    return response;
  } finally {
    connection.destroy();
  }
}

/** `GET <target>` with the given extra header lines, closing after the answer. */
export function rawGet(baseUrl: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const lines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return rawRequest(baseUrl, `GET ${target} HTTP/1.1\r\nHost: scryon.test\r\n${lines}Connection: close\r\n\r\n`);
}
