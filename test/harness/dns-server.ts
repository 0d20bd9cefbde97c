import dgram from 'node:dgram';
import { isIP } from 'node:net';

/**
 * A nameserver on 127.0.0.1 for tests: answers A and AAAA queries for the
 * names in `records`, and never answers any other name (a nameserver that
 * hangs). Every query it receives is kept, answered or not.
 */
export interface TestNameserver {
  /** `127.0.0.1:<port>`, as `Resolver.setServers` and SCRYON_WEBHOOK_DNS_SERVERS take it. */
  address: string;
  /** Names asked so far, in order (lowercase, no trailing dot). */
  queries: string[];
  /** Resolves once every one of `names` has been asked for at least once. */
  asked(names: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

const TYPE_A = 1;

export async function startTestNameserver(records: Record<string, readonly string[]> = {}): Promise<TestNameserver> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (message, peer) => {
    const question = parseQuestion(message);
    if (!question) return;
    queries.push(question.name);
    for (const wake of waiters) wake();
    const addresses = records[question.name];
    if (!addresses) return;
    const wanted = addresses.filter((address) => isIP(address) === (question.type === TYPE_A ? 4 : 6));
    socket.send(answer(message, question.end, question.type, wanted), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    queries,
    asked(names) {
      return new Promise((resolve) => {
        const check = () => {
          if (!names.every((name) => queries.includes(name))) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** The first question's name and type, and where the question section ends. */
function parseQuestion(message: Buffer): { name: string; type: number; end: number } | undefined {
  const labels: string[] = [];
  let offset = 12;
  while (offset < message.length && message[offset] !== 0) {
    const length = message[offset]!;
    labels.push(message.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += 1 + length;
  }
  if (offset + 5 > message.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: message.readUInt16BE(offset + 1), end: offset + 5 };
}

/** The query with its header turned into an answer and one record per address, each pointing at the question's name. */
function answer(query: Buffer, questionEnd: number, type: number, addresses: readonly string[]): Buffer {
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2); // a response, recursion desired and available, no error
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const records = addresses.map((address) => {
    const data = type === TYPE_A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
    const record = Buffer.alloc(12);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(type, 2);
    record.writeUInt16BE(1, 4); // class IN
    record.writeUInt32BE(60, 6); // TTL
    record.writeUInt16BE(data.length, 10);
    return Buffer.concat([record, data]);
  });
  return Buffer.concat([header, query.subarray(12, questionEnd), ...records]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  const after = parse(tail);
  const zeros = Array<number>(8 - before.length - after.length).fill(0);
  const groups = address.includes('::') ? [...before, ...zeros, ...after] : before;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}
