import { synth, type Synthesized } from './synth.js';

type Statement = { Sid?: string; Action: string | string[] };

/** The sids of one function's role statements. */
const sidsOf = ({ template }: Synthesized, fn: string): string[] => {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
    id.startsWith(`DraftStore${fn}RoleDefaultPolicy`),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]![1].Properties.PolicyDocument.Statement as Statement[]).flatMap(
    (statement) => (statement.Sid === undefined ? [] : [statement.Sid]),
  );
};

/** One function's environment variables, by its logical-id prefix. */
const environmentOf = ({ template }: Synthesized, fn: string): Record<string, string> => {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith(`DraftStore${fn}Function`),
  );
  expect(found).toHaveLength(1);
  return found[0]![1].Properties.Environment.Variables as Record<string, string>;
};

const WRITES = [
  'UploadUrl',
  'UploadForm',
  'ConfirmUpload',
  'DeleteObject',
  'MultipartCreate',
  'MultipartSignParts',
  'CompatUploadUrl',
  'CompatConfirm',
];
const READS = ['DownloadUrl', 'ObjectInfo', 'ListObjects', 'CompatDownloadUrl'];
const NEVER = [
  'Health',
  'CompatBucket',
  'MultipartListParts',
  'MultipartComplete',
  'MultipartAbort',
  'Cleanup',
];

describe('rate limits in the stack', () => {
  it('are off by default: no setting, and no function may count', () => {
    const synthesized = synth();
    for (const fn of [...WRITES, ...READS, ...NEVER, 'Connect']) {
      expect(sidsOf(synthesized, fn)).not.toContain('CountRequests');
      expect(environmentOf(synthesized, fn)).not.toHaveProperty('RATE_LIMIT_PER_MINUTE');
    }
  });

  it('let exactly the functions of a limited class update counters, with the setting on every function', () => {
    const synthesized = synth({ rateLimitPerMinute: '120' });
    for (const fn of [...WRITES, 'Connect']) {
      expect(sidsOf(synthesized, fn)).toContain('CountRequests');
    }
    for (const fn of [...READS, ...NEVER]) {
      expect(sidsOf(synthesized, fn)).not.toContain('CountRequests');
    }
    expect(environmentOf(synthesized, 'UploadUrl')).toMatchObject({
      RATE_LIMIT_PER_MINUTE: '120',
    });
    expect(environmentOf(synthesized, 'Health')).toMatchObject({ RATE_LIMIT_PER_MINUTE: '120' });
    expect(environmentOf(synthesized, 'UploadUrl')).not.toHaveProperty(
      'READ_RATE_LIMIT_PER_MINUTE',
    );
  });

  it('give the read functions their grant only with the read limit', () => {
    const synthesized = synth({ readRateLimitPerMinute: '600' });
    for (const fn of [...READS, 'Connect']) {
      expect(sidsOf(synthesized, fn)).toContain('CountRequests');
    }
    for (const fn of [...NEVER, 'UploadUrl', 'UploadForm', 'MultipartSignParts']) {
      expect(sidsOf(synthesized, fn)).not.toContain('CountRequests');
    }
    expect(environmentOf(synthesized, 'ListObjects')).toMatchObject({
      READ_RATE_LIMIT_PER_MINUTE: '600',
    });
  });

  it.each([['0'], ['1.5'], ['1000000001']])('refuses rateLimitPerMinute=%s at synth', (raw) => {
    expect(() => synth({ rateLimitPerMinute: raw })).toThrow(
      /rateLimitPerMinute must be a whole number from 1 to 1000000000/,
    );
  });
});
