import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { DraftStoreClient } from '../client.js';
import { DraftStoreError, isAborted } from '../errors.js';
import { storeError } from '../store-error.js';
import { parseInvocation, UsageError, USAGE, type Command, type Invocation } from './args.js';
import { guessContentType } from './content-type.js';
import { EXIT } from './exit-codes.js';
import { formatBytes } from './format.js';
import { listCommand } from './list.js';
import { infoCommand, rmCommand } from './object-commands.js';
import { createOutput } from './output.js';
import { createProgressView, type ViewMode } from './progress-view.js';
import { usageCommand } from './usage-command.js';
import { waitNotice } from './wait-notice.js';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Calls `listener` on Ctrl-C; returns the function that stops listening. */
  readonly onInterrupt: (listener: () => void) => () => void;
}

type UploadCommand = Extract<Command, { kind: 'upload' }>;

const quote = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** The command that continues an interrupted run: the unfinished files, same options, no secrets. */
const resumeCommand = (invocation: Invocation, command: UploadCommand, files: string[]): string => {
  const words = ['draftstore', 'upload', ...files];
  if (command.name !== undefined) words.push('--name', command.name);
  if (command.type !== undefined) words.push('--type', command.type);
  if (command.confirm) words.push('--confirm');
  if (command.concurrency !== 4) words.push('--concurrency', String(command.concurrency));
  if (command.partSize !== undefined) words.push('--part-size', String(command.partSize));
  if (command.checksum) words.push('--checksum', command.checksum);
  if (!command.resume) words.push('--no-resume');
  if (invocation.json) words.push('--json');
  words.push('--api', invocation.api);
  // The token is never printed: the resumed run reads it from the environment.
  const command_ = words.map(quote).join(' ');
  return invocation.token ? `DRAFTSTORE_TOKEN=… ${command_}` : command_;
};

const retryAfterSeconds = (error: DraftStoreError): number | undefined =>
  error.retryAfterMs === undefined ? undefined : Math.ceil(error.retryAfterMs / 1000);

const describe = (error: unknown): string => {
  if (!(error instanceof DraftStoreError)) return String(error);
  const after = retryAfterSeconds(error);
  return `${error.code}${error.status ? ` (${error.status})` : ''}${error.reason ? ` [${error.reason}]` : ''}: ${error.message}${after === undefined ? '' : ` (retry after ${after} s)`}`;
};

const errorJson = (error: unknown) => {
  if (!(error instanceof DraftStoreError)) {
    return { status: 0, code: 'internal', message: String(error) };
  }
  const after = retryAfterSeconds(error);
  return {
    status: error.status,
    code: error.code,
    ...(error.reason !== undefined && { reason: error.reason }),
    message: error.message,
    ...(after !== undefined && { retry_after_seconds: after }),
  };
};

const upload = async (
  client: DraftStoreClient,
  invocation: Invocation,
  command: UploadCommand,
  io: CliIo,
): Promise<number> => {
  for (const file of command.files) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`${file}: no such file`);
  }
  const mode: ViewMode = invocation.json ? 'silent' : io.stderr.isTTY ? 'tty' : 'plain';
  const write = (text: string) => io.stderr.write(text);
  const controller = new AbortController();
  const stopListening = io.onInterrupt(() => controller.abort());
  let exit: number = EXIT.ok;
  try {
    for (const [index, file] of command.files.entries()) {
      const objectName = command.name ?? basename(file);
      const started = Date.now();
      // When the last byte was in: the throughput leaves out complete and confirm (which may
      // wait minutes for a malware scan).
      let sentAt: number | undefined;
      let view: ReturnType<typeof createProgressView> | undefined;
      // A resumed upload's first event holds the bytes already stored, which this run did not send.
      let stored: number | undefined;
      try {
        const result = await client.upload(file, {
          objectName,
          contentType: command.type ?? guessContentType(file),
          confirm: command.confirm,
          concurrency: command.concurrency,
          ...(command.partSize && { partSize: command.partSize }),
          checksum: command.checksum,
          resume: command.resume,
          keepForResume: true,
          signal: controller.signal,
          onProgress: ({ loaded, total }) => {
            stored ??= loaded;
            if (loaded === total) sentAt ??= Date.now();
            view ??= createProgressView(mode, objectName, total, write);
            view.update(loaded);
          },
        });
        const seconds = (Date.now() - started) / 1000;
        if (invocation.json) {
          io.stdout.write(`${JSON.stringify({ file, ...result, seconds })}\n`);
        } else {
          const how = result.multipart
            ? `${result.part_count} parts${result.resumed ? `, resumed: ${result.parts_sent} sent` : ''}`
            : 'one PUT';
          const sent = result.resumed ? result.size - (stored ?? 0) : result.size;
          const sending = ((sentAt ?? Date.now()) - started) / 1000;
          const rate = formatBytes(sent / Math.max(sending, 0.001));
          const confirmed = result.confirmed
            ? `, confirmed as ${result.confirmed.final_location}`
            : ' (draft)';
          const line = `uploaded ${objectName}: ${formatBytes(result.size)} in ${seconds.toFixed(1)} s, ${rate}/s, ${how}${confirmed}`;
          if (view) view.end(line);
          else write(`${line}\n`);
        }
      } catch (error) {
        if (isAborted(error) || controller.signal.aborted) {
          view?.end(`interrupted: ${objectName}`);
          // Without resume the SDK aborted the multipart upload: nothing is kept to resume.
          const outcome = command.resume
            ? 'The upload is kept; resume it with'
            : 'The upload was aborted (--no-resume); start it again with';
          const resume = resumeCommand(invocation, command, command.files.slice(index));
          if (invocation.json) {
            io.stdout.write(`${JSON.stringify({ file, error: errorJson(error), resume })}\n`);
          }
          write(`Interrupted. ${outcome}:\n  ${resume}\n`);
          return EXIT.interrupted;
        }
        view?.end(`failed: ${objectName}`);
        exit = EXIT.failed;
        if (invocation.json)
          io.stdout.write(`${JSON.stringify({ file, error: errorJson(error) })}\n`);
        write(`error: ${file}: ${describe(error)}\n`);
      }
    }
    return exit;
  } finally {
    stopListening();
  }
};

const download = async (
  client: DraftStoreClient,
  command: Extract<Command, { kind: 'download' }>,
  invocation: Invocation,
  io: CliIo,
): Promise<number> => {
  const { download_url } = await client.downloadUrl(command.name, { stage: command.stage });
  const output = command.output ?? basename(command.name);
  // Written beside the output and renamed once complete: a download cut off mid-way
  // leaves no truncated file that looks like the object.
  const partial = `${output}.${randomBytes(4).toString('hex')}.part`;
  try {
    const response = await fetch(download_url);
    if (!response.ok || !response.body) {
      throw storeError({ status: response.status, etag: null, body: await response.text() });
    }
    const sink: Writable =
      output === '-' ? (io.stdout as Writable) : createWriteStream(partial, { flags: 'wx' });
    await pipeline(Readable.fromWeb(response.body as ReadableStream<Uint8Array>), sink, {
      end: output !== '-',
    });
    if (output !== '-') await rename(partial, output);
  } catch (error) {
    if (output !== '-') await rm(partial, { force: true });
    if (error instanceof DraftStoreError) throw error;
    throw new DraftStoreError(0, 'network_error', `Download failed: ${String(error)}`, {
      cause: error,
    });
  }
  if (output !== '-') {
    if (invocation.json) {
      io.stdout.write(
        `${JSON.stringify({ object_name: command.name, stage: command.stage, file: output })}\n`,
      );
    } else io.stderr.write(`downloaded ${command.name} (${command.stage}) to ${output}\n`);
  }
  return EXIT.ok;
};

/** `draftstore …`: parses, runs, and answers the exit code. */
export const runCli = async (argv: string[], io: CliIo): Promise<number> => {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`draftstore: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { command } = invocation;
  if (command.kind === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const client = new DraftStoreClient({
    baseUrl: invocation.api,
    token: invocation.token,
    retry: {
      onWait: (wait) => {
        const notice = waitNotice(wait);
        // On a terminal it replaces the progress bar's line, which the next update redraws.
        if (notice) io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}${notice}\n`);
      },
    },
  });
  const out = createOutput(io.stdout, invocation.json);
  try {
    switch (command.kind) {
      case 'upload':
        return await upload(client, invocation, command, io);
      case 'confirm': {
        const confirmed = await client.confirm(command.name);
        io.stdout.write(
          invocation.json
            ? `${JSON.stringify(confirmed)}\n`
            : `confirmed ${confirmed.object_name}: ${confirmed.final_location} (${formatBytes(confirmed.size)})\n`,
        );
        return EXIT.ok;
      }
      case 'url': {
        const answer = await client.downloadUrl(command.name, { stage: command.stage });
        io.stdout.write(
          invocation.json ? `${JSON.stringify(answer)}\n` : `${answer.download_url}\n`,
        );
        return EXIT.ok;
      }
      case 'download':
        return await download(client, command, invocation, io);
      case 'ls':
        return await listCommand(client, command, out);
      case 'info':
        return await infoCommand(client, command, out);
      case 'rm':
        return await rmCommand(client, command, out);
      case 'usage':
        return await usageCommand(client, out);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`draftstore: ${error.message}\n`);
      return EXIT.usage;
    }
    if (invocation.json) io.stdout.write(`${JSON.stringify({ error: errorJson(error) })}\n`);
    io.stderr.write(`error: ${describe(error)}\n`);
    return EXIT.failed;
  }
};
