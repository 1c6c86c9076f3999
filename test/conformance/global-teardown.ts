import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// Loaded outside jest's module system like global-setup.ts, so it imports nothing of ours.
const RGW_ENV = 'DRAFTSTORE_CONFORMANCE_RGW';
const RGW_SKIPPED_ENV = 'DRAFTSTORE_CONFORMANCE_RGW_SKIPPED';

/** Stops the shared RGW, and repeats a skip notice after jest's summary, where it is seen. */
export default async function globalTeardown(
  _globalConfig: unknown,
  projectConfig: { rootDir: string },
): Promise<void> {
  const raw = process.env[RGW_ENV];
  if (raw !== undefined) {
    const { directory } = JSON.parse(raw) as { directory: string };
    await promisify(execFile)(
      'bash',
      [resolve(projectConfig.rootDir, 'scripts/ceph-rgw.sh'), 'stop'],
      {
        env: { ...process.env, CEPH_DIR: directory, CEPH_INSTALL: '0' },
        timeout: 60_000,
      },
    );
    await rm(`${directory}.lock`, { force: true });
    await rm(directory, { recursive: true, force: true });
    delete process.env[RGW_ENV];
  }
  const skipped = process.env[RGW_SKIPPED_ENV];
  if (skipped !== undefined && process.env.CI !== 'true') {
    process.stdout.write(
      `\n*** The Ceph RGW conformance suite was SKIPPED: ${skipped}.\n` +
        '*** Security properties (signed headers, POST policy, ACLs) were NOT checked against a real S3.\n',
    );
  }
}
