import { Token, type Duration } from 'aws-cdk-lib';
import { MAX_OBJECT_LIFETIME_SECONDS } from '../../lambdas/config.js';
import { MAX_OBJECT_BYTES, MAX_PRESIGN_SECONDS } from '../../lambdas/core/s3-limits.js';
import type { DraftStoreProps } from './props.js';

// The same bounds lambdas/config.ts checks at cold start, checked here at synth time.

/** Rejects conflicting or out-of-range props at synth time rather than at the first cold start. */
export const checkProps = (props: DraftStoreProps): void => {
  const problems: string[] = [];
  if (props.existingMainBucket && props.mainBucketName !== undefined) {
    problems.push('pass either existingMainBucket or mainBucketName, not both');
  }
  if (props.existingDraftBucket && props.draftBucketName !== undefined) {
    problems.push('pass either existingDraftBucket or draftBucketName, not both');
  }
  if (props.existingMainBucket && props.noncurrentVersionExpiration !== undefined) {
    problems.push(
      'noncurrentVersionExpiration applies only to a main bucket the construct creates',
    );
  }
  if (props.existingMainBucket && props.existingDraftBucket && props.serverAccessLogs === true) {
    problems.push('serverAccessLogs applies only to buckets the construct creates');
  }
  if (
    props.mainBucketName !== undefined &&
    props.draftBucketName !== undefined &&
    !Token.isUnresolved(props.mainBucketName) &&
    props.mainBucketName === props.draftBucketName
  ) {
    problems.push('draftBucketName must differ from mainBucketName');
  }
  const seconds = (name: string, value: Duration | undefined, max: number) => {
    if (value === undefined || Token.isUnresolved(value.toSeconds())) return;
    const s = value.toSeconds();
    if (!Number.isInteger(s) || s < 1 || s > max)
      problems.push(`${name} must be 1 to ${max} seconds, got ${s}`);
  };
  for (const [name, value] of [
    ['quotaBytes', props.quotaBytes],
    ['quotaObjects', props.quotaObjects],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      problems.push(`${name} must be a whole number from 0, got ${value}`);
    }
  }
  seconds('uploadTtl', props.uploadTtl, MAX_PRESIGN_SECONDS);
  seconds('downloadTtl', props.downloadTtl, MAX_PRESIGN_SECONDS);
  seconds('objectLifetime', props.objectLifetime, MAX_OBJECT_LIFETIME_SECONDS);
  if (
    props.maxUploadBytes !== undefined &&
    (!Number.isSafeInteger(props.maxUploadBytes) ||
      props.maxUploadBytes < 1 ||
      props.maxUploadBytes > MAX_OBJECT_BYTES)
  ) {
    problems.push(
      `maxUploadBytes must be 1 to ${MAX_OBJECT_BYTES} (5 TiB), got ${props.maxUploadBytes}`,
    );
  }
  for (const type of props.inlineContentTypes ?? []) {
    if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/.test(type)) {
      problems.push(`inlineContentTypes entries look like "image/png" or "video/*", got "${type}"`);
    }
  }
  for (const type of props.allowedContentTypes ?? []) {
    if (
      !/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/.test(type) &&
      type !== '*/*'
    ) {
      problems.push(
        `allowedContentTypes entries look like "image/png" or "image/*", got "${type}"`,
      );
    }
  }
  if (props.allowedOrigins !== undefined && props.allowedOrigins.length === 0) {
    problems.push('allowedOrigins must name at least one origin (or "*")');
  }
  const hasAudience = (props.jwtAudience ?? []).length > 0;
  if (props.jwtIssuer !== undefined && !hasAudience)
    problems.push('jwtIssuer needs at least one jwtAudience');
  if (props.jwtIssuer === undefined && hasAudience) problems.push('jwtAudience needs jwtIssuer');
  if (
    props.jwtIssuer !== undefined &&
    !Token.isUnresolved(props.jwtIssuer) &&
    !/^https:\/\//.test(props.jwtIssuer)
  ) {
    problems.push(`jwtIssuer must be an https:// URL, got "${props.jwtIssuer}"`);
  }
  for (const [name, value] of [
    ['throttlingRateLimit', props.throttlingRateLimit],
    ['throttlingBurstLimit', props.throttlingBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      problems.push(`${name} must be >= 0, got ${value}`);
  }
  if (problems.length > 0)
    throw new Error(`Invalid DraftStore props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
};
