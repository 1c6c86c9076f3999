/**
 * The usage table: one DynamoDB table (single-table design) for everything DraftStore keeps
 * per owner beyond S3. Every item has a string partition key `pk` and a string sort key `sk`;
 * all of an owner's items share one partition, so one Query reads them in key order.
 *
 * | pk                | sk                  | what                                  | attributes                           |
 * | ----------------- | ------------------- | ------------------------------------- | ------------------------------------ |
 * | `owner#<owner>`   | `usage`             | bytes and objects confirmed into main | `bytes` N, `objects` N               |
 * | `owner#<owner>`   | `limit`             | per-owner quota overrides             | `bytes` N, `objects` N (absent: default) |
 * | `owner#<owner>`   | `object#<name>`     | one confirmed object of main          | `size` N, `etag` S (the draft's)     |
 * | `owner#<owner>`   | `rate#<class>`      | a rate-limit counter                  | free; `expires_at` N                 |
 * | `ip#<address>`    | `rate#<class>`      | an anonymous caller's counter         | free; `expires_at` N                 |
 *
 * `expires_at` (epoch seconds) is the table's TTL attribute: DynamoDB removes an item some
 * time after it passes, so a reader must still check it. Ledger items never carry it.
 * `object#` sort keys order as S3 lists keys (both compare UTF-8 bytes), which lets
 * reconciliation walk main's listing and the records side by side, a page at a time.
 */
export const USAGE_TABLE_KEY = { partition: 'pk', sort: 'sk' } as const;

/** The TTL attribute, in epoch seconds. */
export const USAGE_TABLE_TTL_ATTRIBUTE = 'expires_at';

/** The partition of an authenticated owner's items. */
export const ownerPartition = (owner: string): string => `owner#${owner}`;

/** The partition of an anonymous caller's rate counters, by source address. */
export const addressPartition = (address: string): string => `ip#${address}`;

/** The sort keys of an owner's items. */
export const USAGE_SORT_KEY = 'usage';
export const LIMIT_SORT_KEY = 'limit';
export const OBJECT_SORT_PREFIX = 'object#';
export const RATE_SORT_PREFIX = 'rate#';

/** The sort key of a confirmed object's record, by its object name (the key under the owner). */
export const objectSortKey = (objectName: string): string => `${OBJECT_SORT_PREFIX}${objectName}`;

/** The sort key of a rate-limit counter, by the class of requests it counts. */
export const rateSortKey = (requestClass: string): string => `${RATE_SORT_PREFIX}${requestClass}`;

/** The default table name of the local runtime (`npm start`). */
export const LOCAL_USAGE_TABLE = 'draftstore-usage';
