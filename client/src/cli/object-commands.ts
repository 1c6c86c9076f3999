import type { DraftStoreClient } from '../client.js';
import type { Command } from './args.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

type InfoCommand = Extract<Command, { kind: 'info' }>;
type RmCommand = Extract<Command, { kind: 'rm' }>;

/** `draftstore info <name>`: the object-info answer, one `field: value` line each. */
export const infoCommand = async (
  client: DraftStoreClient,
  command: InfoCommand,
  out: Output,
): Promise<number> => {
  const info = await client.objectInfo(command.name, { stage: command.stage });
  if (out.json) {
    await out.record(info);
    return EXIT.ok;
  }
  const size = out.terminal ? `${out.size(info.size)} (${info.size} bytes)` : String(info.size);
  const fields: [string, string][] = [
    ['name', info.object_name],
    ['stage', info.stage],
    ['size', size],
    ['content-type', info.content_type ?? '-'],
    ['etag', info.etag],
    ['last-modified', info.last_modified ?? '-'],
  ];
  if (info.width !== undefined) fields.push(['dimensions', `${info.width}x${info.height}`]);
  for (const [key, value] of Object.entries(info.metadata)) fields.push([`meta ${key}`, value]);
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  for (const [label, value] of fields) await out.line(`${`${label}:`.padEnd(width)} ${value}`);
  return EXIT.ok;
};

/**
 * `draftstore rm <name>`: deletes the confirmed object (or, with --stage draft, the draft). As
 * with `aws s3 rm`, a name that is not there is no error: the delete is idempotent.
 */
export const rmCommand = async (
  client: DraftStoreClient,
  command: RmCommand,
  out: Output,
): Promise<number> => {
  await client.deleteObject(command.name, { stage: command.stage });
  if (out.json)
    await out.record({ object_name: command.name, stage: command.stage, deleted: true });
  else await out.line(`delete: ${command.name}${command.stage === 'draft' ? ' (draft)' : ''}`);
  return EXIT.ok;
};
