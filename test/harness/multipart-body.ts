/** One part of a hand-built multipart body. */
export interface MultipartPart {
  name: string;
  filename?: string | undefined;
  type?: string | undefined;
  body: Buffer | string;
}

/** A raw multipart body from parts, so a test can send what no client library would (a bad tail, two files, junk). */
export function multipartBody(boundary: string, parts: MultipartPart[], tail = `--${boundary}--\r\n`): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\n` +
          `Content-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(tail));
  return Buffer.concat(chunks);
}
