import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { storedKeys, userRowId } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { RawConnection } from './raw-http.ts';

const MAX_FILE_SIZE = 256 * 1024;
const BOUNDARY = 'scryon-preamble';
/** One byte past what a whole upload body may carry: the file's limit plus 5 MB for framing and text parts (README). */
const OVER = MAX_FILE_SIZE + 5 * 1024 * 1024 + 1;

const filePart = () =>
  Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="call.wav"\r\nContent-Type: ` +
        `audio/wav\r\n\r\n`,
    ),
    wavBytes(1),
    Buffer.from('\r\n'),
  ]);
const closing = Buffer.from(`--${BOUNDARY}--\r\n`);
const junk = (size: number) => Buffer.alloc(size, 0x61);

/** Bytes no part's limit sees: before the first boundary, in a part with no name, after the last boundary. */
const bodies: Record<string, () => Buffer> = {
  'a preamble': () => Buffer.concat([junk(OVER), Buffer.from('\r\n'), filePart(), closing]),
  'an unnamed part': () =>
    Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\n`),
      junk(OVER),
      Buffer.from('\r\n'),
      filePart(),
      closing,
    ]),
  'a part that is not form-data': () =>
    Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: attachment; name="x"\r\n\r\n`),
      junk(OVER),
      Buffer.from('\r\n'),
      filePart(),
      closing,
    ]),
  'an epilogue': () => Buffer.concat([filePart(), closing, junk(OVER)]),
};

const UPLOAD_PATH = '/api/calls/analyze';

describe('every byte of a chunked upload counts against the request limit', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) } });
    user = await signUpUser();
    await scryon.fetch('/api/users/me', { token: user.idToken });
    userId = await userRowId(scryon, user.uid);
  });
  afterAll(() => scryon.close());

  /** Sends `body` chunked (no Content-Length to refuse up front), as a streaming client would. */
  async function sendChunked(body: Buffer) {
    const connection = await RawConnection.open(scryon.url);
    try {
      connection.write(
        `POST ${UPLOAD_PATH} HTTP/1.1\r\nHost: scryon.test\r\nAuthorization: Bearer ${user.idToken}\r\n` +
          `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      for (let at = 0; at < body.length; at += 64 * 1024) {
        const chunk = body.subarray(at, at + 64 * 1024);
        connection.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      }
      connection.write('0\r\n\r\n');
      const response = await connection.response();
      expect(response, 'an answer before the connection closed').toBeDefined();
      return response!;
    } finally {
      connection.destroy();
    }
  }

  it.each(Object.keys(bodies))(
    '%s past the limit is refused 413 payload_too_large, and nothing is stored',
    async (body) => {
      const response = await sendChunked(bodies[body]!());
      expect(response.status).toBe(413);
      expect((response.json() as { error: { code: string } }).error.code).toBe('payload_too_large');
      expect(await scryon.db!.query('select id from call_records where user_id = $1', [userId])).toEqual([]);
      expect(await storedKeys(scryon, `users/${userId}/`)).toEqual([]);
    },
  );

  it('a chunked upload with a small preamble and epilogue is still accepted', async () => {
    const response = await sendChunked(
      Buffer.concat([junk(1024), Buffer.from('\r\n'), filePart(), closing, junk(1024)]),
    );
    expect(response.status).toBe(202);
  });
});
