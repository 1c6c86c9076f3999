import { isValidationError } from '../contract/validation-error.js';
import { cutText } from '../core/cut-text.js';
import { isDraftError } from '../core/errors.js';
import { logger } from './logger.js';

/**
 * What an audit line records. `*-url`/`upload-form`/`multipart-*` are URLs issued or
 * uploads acted on; `ensure-buckets` creates or checks the buckets; the others are
 * actions on stored objects.
 */
export type AuditAction =
  | 'upload-url'
  | 'upload-form'
  | 'download-url'
  | 'multipart-create'
  | 'multipart-part-urls'
  | 'multipart-list-parts'
  | 'multipart-complete'
  | 'multipart-abort'
  | 'confirm'
  | 'delete'
  | 'list'
  | 'object-info'
  | 'ensure-buckets'
  | 'usage';

/** Where a request came from, as the transport (API Gateway, a function URL, a local server) saw it. */
export interface AuditOrigin {
  readonly requestId: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** Whom and what a request is about. Unknown parts (an unparsable body) are left out. */
export interface AuditSubject {
  readonly owner?: string;
  /** The full key, `<owner>/<name>`; for a listing, `<owner>/<prefix>`. */
  readonly key?: string;
  readonly stage?: 'draft' | 'main';
}

export interface AuditRecord extends AuditOrigin, AuditSubject {
  readonly audit: true;
  readonly action: AuditAction;
  /** `ok`, or the error code the client was answered with. */
  readonly outcome: string;
  /** With `content_rejected`: why confirm refused the draft. */
  readonly reason?: string;
}

export type AuditSink = (record: AuditRecord) => void;

/**
 * One JSON line per action, in the function's own log group. It carries no URL, no
 * signature, no token and no body: nothing that would let a reader of the logs act.
 */
export const logAuditRecord: AuditSink = (record) => {
  logger.info('audit', { ...record });
};

/** The error code a failure is answered with, as in the error table. */
export const auditOutcome = (error: unknown): string => {
  if (isDraftError(error)) return error.code;
  if (isValidationError(error)) return 'invalid_request';
  return 'internal';
};

/**
 * The longest header-sourced value (user agent, request id, source IP) an audit line
 * keeps: they come from the client, and one request must not make a line of 100 KB.
 */
export const MAX_LOGGED_HEADER = 512;

const boundedOrigin = (origin: AuditOrigin): AuditOrigin => ({
  requestId: cutText(origin.requestId, MAX_LOGGED_HEADER),
  ...(origin.sourceIp !== undefined && { sourceIp: cutText(origin.sourceIp, MAX_LOGGED_HEADER) }),
  ...(origin.userAgent !== undefined && {
    userAgent: cutText(origin.userAgent, MAX_LOGGED_HEADER),
  }),
});

/**
 * Runs one action and writes its audit line, whatever the outcome. `subject` is asked
 * after the action, so it may use what the action worked out (or fall back to the raw
 * request when the action failed before that); it must not throw.
 */
export const audited = async <T>(
  action: AuditAction,
  origin: AuditOrigin,
  subject: () => AuditSubject,
  run: () => Promise<T>,
  sink: AuditSink = logAuditRecord,
): Promise<T> => {
  let outcome = 'ok';
  let reason: string | undefined;
  try {
    return await run();
  } catch (error) {
    outcome = auditOutcome(error);
    if (isDraftError(error)) reason = error.reason;
    throw error;
  } finally {
    sink({
      audit: true,
      action,
      outcome,
      ...(reason !== undefined && { reason }),
      ...boundedOrigin(origin),
      ...subject(),
    });
  }
};

const MAX_LOGGED_NAME = 1024;

/**
 * The subject of a request about one name: the key it names under the owner, the way the
 * domain builds it when the name is valid, or the raw name (cut to a sane length) when not.
 */
export const subjectOf = (
  owner: string | undefined,
  name: unknown,
  stage?: 'draft' | 'main',
): AuditSubject => {
  const key =
    owner !== undefined && typeof name === 'string'
      ? `${owner}/${name.isWellFormed() ? name.normalize('NFC') : name}`.slice(
          0,
          owner.length + 1 + MAX_LOGGED_NAME,
        )
      : undefined;
  return {
    ...(owner !== undefined && { owner }),
    ...(key !== undefined && { key }),
    ...(stage !== undefined && { stage }),
  };
};
