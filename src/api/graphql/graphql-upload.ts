import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getOperationAST, Kind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AppError } from '../../errors/app-error.ts';
import type { Logger } from '../../observability/logger.ts';
import type { RequestContext } from '../operations/request-context.ts';
import { assertUploadable } from '../uploads/call-upload.ts';
import { parseMultipart } from '../uploads/multipart.ts';
import { toGraphqlError } from './graphql-errors.ts';

/**
 * The file of a GraphQL multipart request, as the context carries it while
 * the operation runs. The operation's `file` variable holds a token instead
 * of the file; the one resolver that takes a file trades that token for the
 * stream, once.
 */
export interface PendingUpload {
  /**
   * The file stream and a promise that settles once the rest of the body has
   * been read and checked; undefined when `token` is not this request's file
   * or it was already taken. Throws the body's failure when it already failed.
   */
  take(token: unknown): { file: Readable; untilBodyEnds: Promise<void> } | undefined;
}

/** The JSON body of one GraphQL operation, as yoga reads it from a POST. */
export interface GraphqlJsonBody {
  query: string;
  operationName?: string | null;
  variables: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** GraphQL's context: the one every surface uses, plus the file of a multipart request while its operation runs. */
export interface GraphqlContext extends RequestContext {
  /** Only `submitCall` takes it. */
  pendingUpload?: PendingUpload | undefined;
}

export interface GraphqlUploadOptions {
  createContext(request: FastifyRequest): RequestContext;
  /** Runs one operation through yoga with the given context (which carries the pending upload). */
  execute(
    request: FastifyRequest,
    reply: FastifyReply,
    body: GraphqlJsonBody,
    context: GraphqlContext,
  ): Response | Promise<Response>;
  /** Sends yoga's answer through the Fastify reply. */
  send(reply: FastifyReply, response: Response): FastifyReply;
  logger: Logger;
}

/** The one variable a multipart request may map its file to. */
const FILE_PATH = 'variables.file';
/**
 * After answering while the client is still sending, how long its
 * leftover bytes are read and discarded before the socket closes.
 */
const LINGER_MS = 2_000;
/** Matches the parser's part buffer, so the hop to the resolver never pauses the request on its own. */
const PART_BUFFER_BYTES = 1024 * 1024;
/** How long a broken-off file waits for the body's failure to name it. */
const FAILURE_WAIT_MS = 1_000;

export function isMultipartRequest(request: FastifyRequest): boolean {
  return request.method === 'POST' && /^multipart\/form-data\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

/**
 * POST /graphql as a GraphQL multipart request (operations, map, then one
 * file), never buffered: the caller is authenticated and the declared size
 * checked before a byte of the body is read; the body is stream-parsed with
 * the upload surfaces' parser and limits; when the file part begins, the
 * operation runs through yoga with the file stream pending in its context,
 * where `submitCall` streams it into the upload use case REST and tRPC run.
 * Whatever the operation does with it, nothing outlives the request: an
 * untaken file is discarded, a failed body aborts the submission reading it,
 * and leftover bytes are drained (then the socket is closed) once answered.
 */
export async function handleGraphqlUpload(
  request: FastifyRequest,
  reply: FastifyReply,
  options: GraphqlUploadOptions,
): Promise<FastifyReply> {
  const ctx: GraphqlContext = options.createContext(request);
  try {
    await ctx.authenticate();
    assertUploadable(request, ctx.edge.uploads.maxFileSizeBytes);
  } catch (error) {
    // Nothing of the body was read: node discards it once the answer is sent.
    return sendError(reply, error, options.logger);
  }

  const form = new OperationsForm();
  let upload: RequestUpload | undefined;
  let execution: Promise<Response> | undefined;
  let fileStarted!: () => void;
  const started = new Promise<void>((resolve) => (fileStarted = resolve));
  const parsed = parseMultipart(request, ctx.edge.uploads.maxFileSizeBytes, {
    onField: (name, value) => form.field(name, value),
    // Checked synchronously, so a refusal stops the parser at this part, before it reads another.
    onFile: (name, stream) => {
      const token = `upload:${randomUUID()}`;
      const body = form.file(name, token);
      upload = new RequestUpload(token, stream, parsed);
      ctx.pendingUpload = upload;
      execution = Promise.resolve().then(() => options.execute(request, reply, body, ctx));
      fileStarted();
      // The parser moves on once the file has been read to its end, or discarded.
      return upload.closed;
    },
  });
  const failure = parsed.then(
    () => undefined,
    (error: unknown) => error ?? new AppError('validation_failed', 'Malformed multipart body'),
  );
  void failure.then((error) => error && drainRest(request, reply));

  await Promise.race([started, failure]);
  if (!execution || !upload) return sendError(reply, (await failure) ?? form.missingFile(), options.logger);
  let response: Response;
  try {
    response = await execution;
  } finally {
    // The operation is over: a file it did not take (or did not read to its end) is discarded.
    upload.release();
  }
  return options.send(reply, response);
}

/**
 * Refuses, before it runs, any operation of a multipart request but one
 * `submitCall` mutation, so a file can't ride along another mutation (which
 * would run and answer as if the upload were part of it) or a query.
 */
export function uploadOperationPlugin(logger: Logger): Plugin {
  const refusal = () => ({
    errors: [
      toGraphqlError(
        new AppError('validation_failed', 'A multipart request must be a single submitCall mutation', {
          fields: { operations: 'not a submitCall mutation' },
        }),
        logger,
      ),
    ],
  });
  const check = ({
    args,
    setResultAndStopExecution,
  }: {
    args: { contextValue: unknown; document: DocumentNode; operationName?: string | null | undefined };
    setResultAndStopExecution(result: ReturnType<typeof refusal>): void;
  }) => {
    if (!(args.contextValue as GraphqlContext).pendingUpload) return;
    if (!isLoneSubmitCall(args.document, args.operationName)) setResultAndStopExecution(refusal());
  };
  return { onExecute: check, onSubscribe: check };
}

function isLoneSubmitCall(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  const selections = operation?.operation === 'mutation' ? operation.selectionSet.selections : [];
  const [only] = selections;
  return selections.length === 1 && only?.kind === Kind.FIELD && only.name.value === 'submitCall';
}

/** The file stream of one request, handed to the resolver at most once. */
class RequestUpload implements PendingUpload {
  /** Settles once the parser's part stream is done: read to its end, or destroyed. */
  readonly closed: Promise<void>;
  readonly #token: string;
  readonly #source: Readable;
  readonly #untilBodyEnds: Promise<void>;
  #taken: BodyFile | undefined;
  #released = false;

  constructor(token: string, source: Readable, untilBodyEnds: Promise<void>) {
    this.#token = token;
    this.#source = source;
    this.#untilBodyEnds = untilBodyEnds;
    this.closed = new Promise((resolve) => source.once('close', resolve));
    // Observed here; the resolver awaits it later (or never, when it fails first).
    untilBodyEnds.catch(() => undefined);
  }

  take(token: unknown): { file: Readable; untilBodyEnds: Promise<void> } | undefined {
    if (this.#taken || this.#released || token !== this.#token) return undefined;
    this.#taken = new BodyFile(this.#source, () => this.#failure());
    return { file: this.#taken, untilBodyEnds: this.#untilBodyEnds };
  }

  /** The operation is over: a file it did not take, or did not read to its end, is discarded. */
  release(): void {
    this.#released = true;
    if (this.#taken && !this.#taken.destroyed) this.#taken.destroy();
    if (!this.#source.destroyed && !this.#source.readableEnded) this.#source.destroy();
  }

  /** Why the part stream broke off: the body's failure, which follows within a tick of the parser destroying it. */
  #failure(): Promise<Error> {
    const interrupted = new AppError('validation_failed', 'The upload was interrupted', {
      fields: { file: 'incomplete' },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Error>((resolve) => (timer = setTimeout(() => resolve(interrupted), FAILURE_WAIT_MS)));
    const failure = this.#untilBodyEnds.then(
      () => interrupted,
      (error: unknown) => (error instanceof Error ? error : interrupted),
    );
    return Promise.race([failure, timeout]).finally(() => clearTimeout(timer));
  }
}

/**
 * The parser's part stream as the resolver reads it, with two differences: a
 * part that breaks off fails with the body's own error (payload_too_large, a
 * malformed body, an interrupted upload), and that error is raised only once
 * the consumer reads. The resolver may take the file, then wait (an
 * Idempotency-Key claim) before it listens: an error emitted in between would
 * be lost to it, and it would wait for the stream forever.
 */
class BodyFile extends Readable {
  readonly #source: Readable;
  #failure: Error | undefined;
  /** The consumer asked for data that has not been pushed yet. */
  #wanting = false;
  #flowing = false;

  constructor(source: Readable, failure: () => Promise<Error>) {
    super({ highWaterMark: PART_BUFFER_BYTES });
    this.#source = source;
    const broke = () => void failure().then((error) => this.#fail(error));
    if (source.destroyed && !source.readableEnded) broke();
    else source.once('error', broke).once('end', () => this.push(null));
  }

  override _read(): void {
    if (this.#failure) {
      this.destroy(this.#failure);
      return;
    }
    this.#wanting = true;
    if (this.#flowing) {
      this.#source.resume();
      return;
    }
    this.#flowing = true;
    this.#source.on('data', (chunk: Buffer) => {
      this.#wanting = false;
      if (!this.push(chunk)) this.#source.pause();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A consumer that gives up lets the parser discard the rest of the part.
    if (!this.#source.destroyed && !this.#source.readableEnded) this.#source.destroy();
    callback(error);
  }

  #fail(error: Error): void {
    if (this.destroyed) return;
    this.#failure = error;
    if (this.#wanting) this.destroy(error);
  }
}

/**
 * The text parts of a GraphQL multipart request, in the order the spec
 * requires: `operations`, `map`, then the one file the map names.
 */
class OperationsForm {
  #operations: (Omit<GraphqlJsonBody, 'variables'> & { variables: Record<string, unknown> }) | undefined;
  #fileKey: string | undefined;
  #fileSeen = false;

  field(name: string, value: string): void {
    if (this.#fileSeen) throw invalid(`The "${name}" part comes after the file`, name, 'after the file');
    if (name === 'operations' && !this.#operations) {
      this.#operations = parseOperations(value);
      return;
    }
    if (name === 'map' && this.#operations && this.#fileKey === undefined) {
      this.#fileKey = parseMap(value);
      return;
    }
    throw invalid(`Unexpected "${name}" part: send operations, map, then the file`, name, 'unexpected');
  }

  /** The operation to run once the file `name` begins, its `file` variable replaced by `token`. */
  file(name: string, token: string): GraphqlJsonBody {
    if (this.#fileSeen) throw invalid('Only one file part is accepted', 'file', 'more than one file part');
    this.#fileSeen = true;
    if (!this.#operations || this.#fileKey === undefined)
      throw invalid('The operations and map parts must come before the file', 'operations', 'required before the file');
    if (name !== this.#fileKey)
      throw invalid(`The file part "${name}" is not in the map`, 'map', 'does not name this file');
    return { ...this.#operations, variables: { ...this.#operations.variables, file: token } };
  }

  /** Why a body that ended without its file is refused. */
  missingFile(): AppError {
    if (!this.#operations) return invalid('The operations part is required', 'operations', 'required');
    if (this.#fileKey === undefined) return invalid('The map part is required', 'map', 'required');
    return invalid('The file part is required', 'file', 'required');
  }
}

function parseOperations(text: string): Omit<GraphqlJsonBody, 'variables'> & { variables: Record<string, unknown> } {
  const value = parseJson(text, 'operations');
  if (Array.isArray(value)) throw invalid('Batched operations are not accepted with a file', 'operations', 'batched');
  if (!isObject(value) || typeof value.query !== 'string')
    throw invalid('The operations part must be a JSON object with a query', 'operations', 'not an operation');
  const { query, operationName, variables, extensions } = value;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    throw invalid('operationName must be a string', 'operations', 'invalid operationName');
  if (variables !== undefined && variables !== null && !isObject(variables))
    throw invalid('variables must be a JSON object', 'operations', 'invalid variables');
  if (extensions !== undefined && extensions !== null && !isObject(extensions))
    throw invalid('extensions must be a JSON object', 'operations', 'invalid extensions');
  return {
    query,
    ...(typeof operationName === 'string' ? { operationName } : {}),
    variables: { ...(variables ?? {}) },
    ...(extensions ? { extensions } : {}),
  };
}

/** The one file key of the map, which must point at `variables.file` and nothing else. */
function parseMap(text: string): string {
  const value = parseJson(text, 'map');
  if (!isObject(value)) throw invalid('The map part must be a JSON object', 'map', 'not a JSON object');
  const entries = Object.entries(value);
  if (entries.length !== 1) throw invalid('The map must name exactly one file', 'map', 'not exactly one file');
  const [[key, paths]] = entries as [[string, unknown]];
  if (key === '' || !Array.isArray(paths) || paths.length !== 1 || paths[0] !== FILE_PATH) {
    throw invalid(`The map must point its one file at ${FILE_PATH}`, 'map', `not ${FILE_PATH}`);
  }
  return key;
}

function parseJson(text: string, part: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(`The ${part} part is not valid JSON`, part, 'not valid JSON');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, field: string, problem: string): AppError {
  return new AppError('validation_failed', message, { fields: { [field]: problem } });
}

/** A refusal answered by this handler rather than by yoga, in the shape yoga answers one. */
function sendError(reply: FastifyReply, error: unknown, logger: Logger): FastifyReply {
  const graphqlError = toGraphqlError(error, logger);
  const { http, ...extensions } = graphqlError.extensions as { http?: { status?: number } };
  return reply
    .status(http?.status ?? 500)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ errors: [{ message: graphqlError.message, extensions }] }));
}

/**
 * A body the parser gave up on is still arriving: read and drop what is left
 * (the connection stays usable), and close the socket if the client keeps
 * sending for long after it was answered.
 */
function drainRest(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  raw.resume();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  raw.once('end', stop).once('close', stop);
  const arm = () => {
    if (raw.complete || raw.destroyed) return;
    timer = setTimeout(() => raw.socket?.destroy(), LINGER_MS);
    timer.unref();
  };
  if (reply.raw.writableFinished) arm();
  else reply.raw.once('close', arm);
}
