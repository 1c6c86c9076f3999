import type { DraftStoreClient } from '../client.js';
import { DraftStoreError } from '../errors.js';
import type { Command } from './args.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

type ListCommand = Extract<Command, { kind: 'ls' }>;

/** `aws s3 ls` puts a folder's "PRE" where an object's date and size end: column 30. */
const COLUMN = 30;

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-12-07 21:19:07" in local time, as `aws s3 ls` prints it. */
const localTime = (iso: string): string => {
  const at = new Date(iso);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
};

/**
 * `draftstore ls [prefix]`, after `aws s3 ls`: one folder level (folders as `PRE name/`, names
 * shown from the prefix's last "/"), or every name under the prefix with --recursive; page by
 * page as the pages come, so memory stays flat however many objects there are. A prefix that
 * matches nothing exits 1, as aws does; no prefix exits 0 even when there is nothing.
 */
export const listCommand = async (
  client: DraftStoreClient,
  command: ListCommand,
  out: Output,
): Promise<number> => {
  const shownFrom = command.recursive ? 0 : command.prefix.lastIndexOf('/') + 1;
  let found = 0;
  let objects = 0;
  let bytes = 0;
  let cursor: string | undefined;
  do {
    const page = await client.listObjects({
      stage: command.stage,
      limit: command.pageSize,
      ...(command.prefix && { prefix: command.prefix }),
      ...(!command.recursive && { delimiter: '/' }),
      ...(cursor !== undefined && { cursor }),
    });
    for (const prefix of page.prefixes) {
      found++;
      if (out.json) await out.record({ prefix });
      else await out.line(`${'PRE'.padStart(COLUMN)} ${prefix.slice(shownFrom)}`);
    }
    for (const object of page.objects) {
      found++;
      objects++;
      bytes += object.size;
      if (out.json) await out.record(object);
      else {
        const when = localTime(object.last_modified);
        const size = out.size(object.size).padStart(COLUMN - when.length - 1);
        await out.line(`${when} ${size} ${object.object_name.slice(shownFrom)}`);
      }
    }
    // A cursor that does not move would page for ever.
    if (page.next_cursor !== undefined && page.next_cursor === cursor) {
      throw new DraftStoreError(502, 'invalid_response', 'list-objects answered the same cursor.');
    }
    cursor = page.next_cursor;
  } while (cursor !== undefined);
  if (command.summarize) {
    if (out.json) await out.record({ total_objects: objects, total_size: bytes });
    else await out.line(`\nTotal Objects: ${objects}\n   Total Size: ${out.size(bytes)}`);
  }
  return command.prefix !== '' && found === 0 ? EXIT.failed : EXIT.ok;
};
