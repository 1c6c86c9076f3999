import { $ZodError, type $ZodIssue } from 'zod/v4/core';
import { cutText } from '../core/cut-text.js';

/** A request that failed its contract schema (zod's error, from the full or the mini build). */
export const isValidationError = (error: unknown): error is $ZodError => error instanceof $ZodError;

/** The longest field name a message echoes: a client may send a key of 60 KB. */
const MAX_ECHOED_NAME = 64;
/** How many unknown fields a message names before it only counts the rest. */
const MAX_NAMED_FIELDS = 5;

/** A client's field name as a message shows it: cut (with "…") when it is longer than a key may be. */
const echoed = (name: PropertyKey): string => cutText(String(name), MAX_ECHOED_NAME, '…');

/**
 * One issue in words a client can act on. zod/mini ships no locale (that is what keeps it
 * small), so the issues the schemas don't word themselves are worded here.
 */
const describeIssue = (issue: $ZodIssue): string => {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys
      .slice(0, MAX_NAMED_FIELDS)
      .map((key) => `"${echoed(key)}"`)
      .join(', ');
    const more = issue.keys.length - MAX_NAMED_FIELDS;
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}${more > 0 ? ` and ${more} more` : ''}`;
  }
  if (issue.code === 'invalid_key') {
    return issue.issues[0]?.message ?? 'invalid key';
  }
  if (issue.code === 'invalid_type' && issue.path.length === 0) {
    return 'The request body must be a JSON object.';
  }
  return issue.message;
};

/** The first issue as "field: problem", which is what a client needs to fix its request. */
export const describeValidationError = (error: $ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'The request body is invalid.';
  const path = issue.path.length > 0 ? `${issue.path.map(echoed).join('.')}: ` : '';
  return `${path}${describeIssue(issue)}`;
};

/**
 * The error code of a failed request. An `object_name` that is a string but not an
 * acceptable name (empty, too long) is `invalid_object_name`, as the domain and the
 * RPC report every other bad name; everything else is `invalid_request`.
 */
export const validationErrorCode = (
  error: $ZodError,
): 'invalid_request' | 'invalid_object_name' => {
  const issue = error.issues[0];
  return issue?.path[0] === 'object_name' && issue.code !== 'invalid_type'
    ? 'invalid_object_name'
    : 'invalid_request';
};
