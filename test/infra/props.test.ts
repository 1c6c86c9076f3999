import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { DraftStore, draftExpirationDays, type DraftStoreProps } from '../../lib/index.js';

const build = (props: (stack: Stack) => DraftStoreProps = () => ({})) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Host');
  const draftStore = new DraftStore(stack, 'DraftStore', props(stack));
  return { stack, draftStore };
};

describe('DraftStore props', () => {
  it.each<[string, (stack: Stack) => DraftStoreProps, RegExp]>([
    [
      'an existing main bucket and a main bucket name',
      (stack) => ({
        existingMainBucket: s3.Bucket.fromBucketName(stack, 'M', 'corp-main'),
        mainBucketName: 'x-main',
      }),
      /either existingMainBucket or mainBucketName/,
    ],
    [
      'an existing draft bucket and a draft bucket name',
      (stack) => ({
        existingDraftBucket: s3.Bucket.fromBucketName(stack, 'D', 'corp-draft'),
        draftBucketName: 'x-draft',
      }),
      /either existingDraftBucket or draftBucketName/,
    ],
    [
      'noncurrent version expiry on an existing main bucket',
      (stack) => ({
        existingMainBucket: s3.Bucket.fromBucketName(stack, 'M', 'corp-main'),
        noncurrentVersionExpiration: Duration.days(3),
      }),
      /noncurrentVersionExpiration applies only/,
    ],
    [
      'one name for both buckets',
      () => ({ mainBucketName: 'same', draftBucketName: 'same' }),
      /must differ/,
    ],
    [
      'an upload TTL over seven days',
      () => ({ uploadTtl: Duration.days(8) }),
      /uploadTtl must be 1 to 604800/,
    ],
    ['a zero download TTL', () => ({ downloadTtl: Duration.seconds(0) }), /downloadTtl must be/],
    ['an upload limit over 5 TiB', () => ({ maxUploadBytes: 5 * 1024 ** 4 + 1 }), /maxUploadBytes/],
    [
      'a malformed content type',
      () => ({ allowedContentTypes: ['images'] }),
      /allowedContentTypes/,
    ],
    ['no origins', () => ({ allowedOrigins: [] }), /allowedOrigins/],
    [
      'an issuer without audience',
      () => ({ jwtIssuer: 'https://issuer.example.com/' }),
      /needs at least one jwtAudience/,
    ],
    ['an audience without issuer', () => ({ jwtAudience: ['api'] }), /jwtAudience needs jwtIssuer/],
    ['a plain-http issuer', () => ({ jwtIssuer: 'http://issuer', jwtAudience: ['api'] }), /https/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  it('takes existing buckets as they are and warns that drafts then need a lifecycle rule', () => {
    const { stack, draftStore } = build((host) => ({
      existingMainBucket: s3.Bucket.fromBucketName(host, 'M', 'corp-main'),
      existingDraftBucket: s3.Bucket.fromBucketName(host, 'D', 'corp-draft'),
    }));
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
    expect(draftStore.accessLogsBucket).toBeUndefined();
    expect(draftStore.mainBucket.bucketName).toBe('corp-main');
    Annotations.fromStack(stack).hasWarning(
      '/Host/DraftStore',
      Match.stringLikeRegexp('no lifecycle rule'),
    );
  });

  it('warns when the Connect URL is public without a JWT issuer', () => {
    const { stack } = build(() => ({ functionUrlAuthType: lambda.FunctionUrlAuthType.NONE }));
    Annotations.fromStack(stack).hasWarning(
      '/Host/DraftStore',
      Match.stringLikeRegexp('anyone can call it'),
    );
  });

  it('warns when a presigned URL TTL outlives the role credentials that sign it, and not at the default', () => {
    const long = build(() => ({ downloadTtl: Duration.days(2) }));
    Annotations.fromStack(long.stack).hasWarning(
      '/Host/DraftStore',
      Match.stringLikeRegexp('outlives the functions'),
    );
    const usual = build();
    Annotations.fromStack(usual.stack).hasNoWarning(
      '/Host/DraftStore',
      Match.stringLikeRegexp('outlives the functions'),
    );
  });

  it('exposes its parts as public fields', () => {
    const { draftStore } = build();
    expect(Object.keys(draftStore.functions).sort()).toEqual(
      [...ROUTE_TABLE.map((route) => route.entry), 'cleanup', 'connect', 'reconcile-usage'].sort(),
    );
    expect(draftStore.apiUrl).toBeDefined();
    expect(draftStore.connectUrl).toBeDefined();
    expect(draftStore.cleanupRule).toBeDefined();
    expect(draftStore.cleanupDeadLetterQueue).toBeDefined();
  });

  it.each([
    [60, 2],
    [86_400, 2],
    [86_401, 3],
    [7 * 86_400, 8],
  ])('expires drafts with OBJECT_LIFETIME %ss after %s days', (seconds, days) => {
    expect(draftExpirationDays(Duration.seconds(seconds))).toBe(days);
  });
});
