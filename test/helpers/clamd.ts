import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script, typed by use
import { writeTestDatabase } from '../../scripts/clamav-test-db.mjs';

export const CLAMD = '/usr/sbin/clamd';

export interface TestClamd {
  /** The unix socket, for CLAMD_ADDRESS. */
  readonly socket: string;
  stop(): Promise<void>;
}

const ping = (socket: string): Promise<boolean> =>
  new Promise((resolve) => {
    const connection = connect(socket);
    let answer = '';
    connection.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    connection.on('end', () => resolve(answer.startsWith('PONG')));
    connection.on('error', () => resolve(false));
    connection.write('zPING\0');
  });

/**
 * The real Debian clamd, in the foreground on a private unix socket with a one-signature
 * database (scripts/clamav-test-db.mjs: EICAR). `streamMaxBytes` is its StreamMaxLength;
 * `settings` are more clamd.conf lines (the bench turns the clean-file cache off).
 */
export const startClamd = async (
  streamMaxBytes = 1024 * 1024,
  settings: readonly string[] = [],
): Promise<TestClamd> => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-clamd-'));
  const socket = join(directory, 'clamd.sock');
  writeTestDatabase(join(directory, 'db'));
  const config = join(directory, 'clamd.conf');
  await writeFile(
    config,
    [
      `LocalSocket ${socket}`,
      'Foreground yes',
      `DatabaseDirectory ${join(directory, 'db')}`,
      `TemporaryDirectory ${directory}`,
      `StreamMaxLength ${streamMaxBytes}`,
      `LogFile ${join(directory, 'clamd.log')}`,
      ...settings,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(CLAMD, ['-c', config], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  // clamd loads its database before it listens: a few seconds on a loaded machine.
  for (let attempt = 0; attempt < 600 && !(await ping(socket)); attempt++) {
    if (exited) throw new Error(`clamd exited at start-up (see ${directory}/clamd.log)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!(await ping(socket))) throw new Error('clamd did not answer PING within 60 s');
  return {
    socket,
    stop: async () => {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
};
