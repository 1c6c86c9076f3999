import type { Caller } from './caller.js';
import type { UsageAccounts } from './usage-accounts.js';
import { DraftError, isDraftError } from './errors.js';
import { unquote } from './etag.js';
import {
  AFTER_EVERYTHING,
  compareKeys,
  decodeCursor,
  encodeCursor,
  type ListPosition,
} from './list-cursor.js';
import { DEFAULT_NAME_POLICY, ownedKey, type NamePolicy } from './object-name.js';
import type { ObjectStore } from './object-store.js';
import { storedDimensions } from './image-dimensions.js';
import { MAX_KEY_BYTES, MAX_KEYS_PER_LIST_PAGE } from './s3-limits.js';
import type { Buckets, Stage } from './stage.js';
import { publicMetadata, type UserMetadata } from './user-metadata.js';

export interface ObjectCatalogOptions {
  readonly store: ObjectStore;
  readonly buckets: Buckets;
  /** The same name rules as the DraftService's. @default DEFAULT_NAME_POLICY */
  readonly names?: NamePolicy;
  /** The owners' usage: deleting a confirmed object releases it. @default none */
  readonly accounts?: Pick<UsageAccounts, 'keeping' | 'mainObject' | 'release'>;
}

export interface ObjectDetails {
  readonly objectName: string;
  readonly stage: Stage;
  readonly size: number;
  readonly contentType?: string;
  readonly etag: string;
  readonly lastModified?: Date;
  /** The client's own metadata; DraftStore's internal keys are never included. */
  readonly metadata: UserMetadata;
  /** A confirmed image's size in pixels, as confirm recorded it. */
  readonly width?: number;
  readonly height?: number;
}

export interface ListObjectsRequest {
  /** @default 'main' */
  readonly stage?: Stage;
  /** Only names starting with this; `""` or absent lists everything. */
  readonly prefix?: string;
  /** `/` rolls names up into folders; absent lists every name flat. */
  readonly delimiter?: '/';
  /** The `nextCursor` of the previous page of the same listing. */
  readonly cursor?: string;
  /** @default 100 */
  readonly limit?: number;
}

export interface ListedObject {
  readonly objectName: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
}

export interface ObjectList {
  readonly objects: readonly ListedObject[];
  /** Folder names (ending with the delimiter), relative to the owner like objectName. */
  readonly prefixes: readonly string[];
  readonly nextCursor?: string;
}

export const DEFAULT_LIST_LIMIT = 100;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What an owner has stored: one object's details, listings of either bucket and
 * deletion. Every key is built under the caller's own segment, so another owner's
 * objects are never reached: they answer exactly like names that do not exist.
 */
export class ObjectCatalog {
  readonly #store: ObjectStore;
  readonly #buckets: Buckets;
  readonly #names: NamePolicy;
  readonly #accounts: ObjectCatalogOptions['accounts'];

  constructor(options: ObjectCatalogOptions) {
    this.#store = options.store;
    this.#buckets = options.buckets;
    this.#names = options.names ?? DEFAULT_NAME_POLICY;
    this.#accounts = options.accounts;
  }

  async info(
    caller: Caller,
    request: { objectName: string; stage?: Stage },
  ): Promise<ObjectDetails> {
    const { name, key } = ownedKey(caller.owner, request.objectName, this.#names);
    const stage = request.stage ?? 'main';
    const found = await this.#store.head(this.#buckets[stage], key);
    if (!found) {
      throw new DraftError(
        'not_found',
        stage === 'draft' ? `No draft named "${name}".` : `No confirmed object named "${name}".`,
      );
    }
    return {
      objectName: name,
      stage,
      size: found.size,
      ...(found.contentType !== undefined && { contentType: found.contentType }),
      etag: unquote(found.etag),
      ...(found.lastModified !== undefined && { lastModified: found.lastModified }),
      metadata: publicMetadata(found.metadata),
      ...storedDimensions(found.metadata),
    };
  }

  /**
   * One page of the owner's names, straight from one store listing: nothing beyond that
   * page is ever held. The cursor is the position the page ended at.
   */
  async list(caller: Caller, request: ListObjectsRequest = {}): Promise<ObjectList> {
    const stage = request.stage ?? 'main';
    const limit = request.limit ?? DEFAULT_LIST_LIMIT;
    // A page is answered from one store listing, so it holds at most one store page.
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KEYS_PER_LIST_PAGE) {
      throw new DraftError(
        'invalid_request',
        `limit: must be a whole number from 1 to ${MAX_KEYS_PER_LIST_PAGE}`,
      );
    }
    const ownerPrefix = `${caller.owner}/`;
    const listingPrefix = ownerPrefix + checkPrefix(request.prefix ?? '', ownerPrefix);
    const position =
      request.cursor !== undefined && request.cursor !== ''
        ? decodeCursor(request.cursor, listingPrefix)
        : undefined;

    const page = await this.#store.listPage({
      bucket: this.#buckets[stage],
      prefix: listingPrefix,
      ...(request.delimiter !== undefined && { delimiter: request.delimiter }),
      ...(position && {
        startAfter: position.rolledUp ? position.after + AFTER_EVERYTHING : position.after,
      }),
      maxKeys: limit,
    });

    // Stores that order keys as UTF-16 (the embedded one) may hand back keys under a
    // folder the previous page already rolled up; they were answered there.
    const answered = (key: string): boolean =>
      position?.rolledUp === true && key.startsWith(position.after);
    const relative = (key: string): string => key.slice(ownerPrefix.length);

    const next = page.truncated ? nextCursor(page.objects, page.prefixes) : undefined;
    return {
      objects: page.objects
        .filter((entry) => !answered(entry.key))
        .map((entry) => ({
          objectName: relative(entry.key),
          size: entry.size,
          etag: unquote(entry.etag ?? ''),
          lastModified: entry.lastModified,
        })),
      prefixes: page.prefixes.filter((prefix) => !answered(prefix)).map(relative),
      ...(next !== undefined && { nextCursor: next }),
    };
  }

  /**
   * Deletes a draft (discarding it) or a confirmed object. Idempotent: a name that is
   * not there, including another owner's, answers the same as one just deleted.
   */
  async delete(caller: Caller, request: { objectName: string; stage: Stage }): Promise<void> {
    const { name, key } = ownedKey(caller.owner, request.objectName, this.#names);
    const accounts = this.#accounts;
    // Main's object is read before it goes, and released after: a crash between the two
    // leaves usage above what main holds, never below; a repeat finds nothing to release.
    const held =
      request.stage === 'main' && accounts?.keeping ? await accounts.mainObject(key) : undefined;
    try {
      await this.#store.delete(this.#buckets[request.stage], key);
    } catch (error) {
      if (!isDraftError(error) || error.code !== 'not_found') throw error;
    }
    if (held?.confirmedFrom !== undefined) {
      await accounts?.release(caller.owner, name, held.confirmedFrom);
    }
  }
}

/** A name prefix: any start of a valid name, so it may end with "/" or mid-segment. */
const checkPrefix = (raw: string, ownerPrefix: string): string => {
  const refuse = (problem: string) => new DraftError('invalid_request', `prefix: ${problem}`);
  if (!raw.isWellFormed()) throw refuse('must be valid UTF-8');
  const prefix = raw.normalize('NFC');
  if (CONTROL_CHARACTERS.test(prefix)) throw refuse('must not contain control characters');
  if (prefix.includes('\\')) throw refuse('must not contain a backslash');
  if (prefix.startsWith('/')) throw refuse('must not start with "/"');
  if (Buffer.byteLength(ownerPrefix + prefix, 'utf8') > MAX_KEY_BYTES) {
    throw refuse('is longer than any object name can be');
  }
  return prefix;
};

/** The position after the page's last entry, which is its largest key or folder. */
const nextCursor = (
  objects: readonly { key: string }[],
  prefixes: readonly string[],
): string | undefined => {
  const lastObject = objects.at(-1)?.key;
  const lastPrefix = prefixes.at(-1);
  let position: ListPosition | undefined;
  if (
    lastPrefix !== undefined &&
    (lastObject === undefined || compareKeys(lastPrefix, lastObject) > 0)
  ) {
    position = { after: lastPrefix, rolledUp: true };
  } else if (lastObject !== undefined) {
    position = { after: lastObject, rolledUp: false };
  }
  return position && encodeCursor(position);
};
