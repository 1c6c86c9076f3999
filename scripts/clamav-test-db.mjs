#!/usr/bin/env node
// Writes a one-signature ClamAV database that detects the EICAR anti-virus test string, for
// tests that start a real clamd where the official database cannot be downloaded. Production
// clamd runs freshclam for the real one. Usage: node scripts/clamav-test-db.mjs <directory>
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The EICAR test file's 68 bytes (eicar.org): harmless, and detected by every scanner. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** The signature's name as clamd reports it (it appends `.UNOFFICIAL` to a non-official one). */
export const SIGNATURE_NAME = 'DraftStore.Test.EICAR';

/**
 * An extended (.ndb) body signature, `name:target:offset:hex` (ClamAV's signature docs):
 * any file type (0), anywhere (*), the EICAR bytes.
 */
export const writeTestDatabase = (directory) => {
  mkdirSync(directory, { recursive: true });
  const hex = Buffer.from(EICAR, 'latin1').toString('hex');
  const file = join(directory, 'draftstore-test.ndb');
  writeFileSync(file, `${SIGNATURE_NAME}:0:*:${hex}\n`);
  return file;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const directory = process.argv[2];
  if (!directory) {
    console.error('usage: node scripts/clamav-test-db.mjs <directory>');
    process.exit(2);
  }
  console.log(writeTestDatabase(directory));
}
