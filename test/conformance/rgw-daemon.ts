import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RgwInstance } from './global-setup.js';

/** The radosgw daemon name scripts/ceph-rgw.sh starts, and where it keeps its pid. */
const RGW_NAME = 'client.rgw.draftstore';
const pidFile = (rgw: RgwInstance) => join(rgw.directory, 'run', 'rgw.pid');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process state letter (R, S, Z, …), or undefined once the process is gone. */
const stateOf = async (pid: number): Promise<string | undefined> => {
  try {
    return (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
};

/** The radosgw pid of this instance; checked against /proc so a recycled pid is never signalled. */
const radosgwPid = async (rgw: RgwInstance): Promise<number> => {
  const pid = Number((await readFile(pidFile(rgw), 'utf8')).trim());
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
  if (comm !== 'radosgw') throw new Error(`pid ${pid} of ${pidFile(rgw)} is not radosgw (${comm})`);
  return pid;
};

/**
 * SIGKILLs this instance's radosgw, and only it: the monitor and the OSD (where the objects
 * live) keep running, as when a gateway crashes. Resolves once the process is dead.
 */
export const killRadosgw = async (rgw: RgwInstance): Promise<void> => {
  const pid = await radosgwPid(rgw);
  process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 10_000; waited += 20) {
    const state = await stateOf(pid);
    if (state === undefined || state === 'Z') return;
    await sleep(20);
  }
  throw new Error(`radosgw ${pid} did not die in 10 s`);
};

/** Whether the gateway answers HTTP on its port (anonymous ListBuckets). */
const answers = async (rgw: RgwInstance): Promise<boolean> => {
  try {
    const response = await fetch(`http://${rgw.endpoint}/`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
};

/**
 * Starts radosgw again on the same state (configuration, pools, port) as scripts/ceph-rgw.sh
 * does, in its own session so it outlives the test worker like the first one, with its pid
 * where the script's `stop` finds it. Resolves once it serves requests.
 */
export const restartRadosgw = async (rgw: RgwInstance): Promise<void> => {
  const log = openSync(join(rgw.directory, 'log', 'rgw.out'), 'a');
  try {
    const child = spawn('radosgw', ['-c', join(rgw.directory, 'ceph.conf'), '-n', RGW_NAME, '-f'], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    await writeFile(pidFile(rgw), `${child.pid}\n`);
  } finally {
    closeSync(log);
  }
  for (let waited = 0; waited < 90_000; waited += 100) {
    if (await answers(rgw)) return;
    await sleep(100);
  }
  throw new Error(
    `radosgw did not answer within 90 s of its restart (logs in ${rgw.directory}/log)`,
  );
};
