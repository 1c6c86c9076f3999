import fc from 'fast-check';

/**
 * Generators for hostile input. Shared by the HTTP fuzz (test/fuzz) and the RGW
 * leg that uploads a sample of accepted names (test/conformance/fuzz-names.test.ts).
 */

/** The seed and run count of this run: fixed by default, FUZZ_SEED / FUZZ_RUNS override. */
export const fuzzSettings = (defaultRuns: number) => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261202);
  const runs = Number(process.env.FUZZ_RUNS ?? defaultRuns);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(runs) || runs < 1) {
    throw new Error(`FUZZ_SEED and FUZZ_RUNS must be whole numbers, got ${seed} and ${runs}`);
  }
  return { seed, runs };
};

/** Characters of 1, 2, 3 and 4 UTF-8 bytes, and the ones the name policy is about. */
const ONE_OF_EACH_WIDTH = ['a', 'é', '日', '😀'];
const NASTY = [
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u00ad',
  '\u200b',
  '\u200d',
  '\u202e',
  '\u2028',
  '\u2029',
  '\u3000',
  '\ufeff',
  '\uffff',
  '\ue000',
  '\u0378',
  '\ud800',
  '\udfff',
  'e\u0301',
  '\u{1F468}\u200d\u{1F469}',
  '%',
  '%2F',
  '%00',
  '+',
  '#',
  '?',
  '&',
  '=',
  '\\',
  '"',
  "'",
  '<',
  '>',
  '*',
  ':',
  '|',
  '~',
  ' ',
  '.',
  '..',
  '${filename}',
  '._S3rver_object',
  '._S3rver_metadata.json',
];

/** A segment of exactly `bytes` UTF-8 bytes (padded with ASCII when the width does not divide). */
const segmentOfBytes = (bytes: number, character: string): string => {
  const width = Buffer.byteLength(character);
  const body = character.repeat(Math.floor(bytes / width));
  return body + 'x'.repeat(bytes - Buffer.byteLength(body));
};

/** Segments right at, below and above every length limit: the embedded store's 233, S3's 255. */
const boundarySegment = fc
  .tuple(
    fc.constantFrom(1, 232, 233, 234, 240, 241, 254, 255, 256, 300),
    fc.constantFrom(...ONE_OF_EACH_WIDTH),
  )
  .map(([bytes, character]) => segmentOfBytes(bytes, character));

const nastySegment = fc
  .array(
    fc.oneof(
      fc.constantFrom(...NASTY),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(''));

export const segment = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9 ._-]{0,20}[a-z0-9]$/) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 4, arbitrary: nastySegment },
  { weight: 2, arbitrary: boundarySegment },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', ' ', ' a', 'a ') },
);

/** Whole names: joined segments, sometimes with a leading slash, or near the 1024-byte key limit. */
export const objectName = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/')),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(segment, { minLength: 1, maxLength: 3 })
      .map((parts) => `/${parts.join('/')}`),
  },
  {
    weight: 1,
    // anonymous/ is 10 bytes, so 1013-1015 bytes of name straddle the 1024-byte key.
    arbitrary: fc.constantFrom(1012, 1013, 1014, 1015, 1016, 1025).map((bytes) => {
      const part = 'p'.repeat(200);
      const base = [part, part, part, part].join('/');
      return `${base}/${'q'.repeat(bytes - base.length - 1)}`;
    }),
  },
);

const anyJsonValue = fc.jsonValue({ maxDepth: 2 });

const contentType = fc.oneof(
  fc.constantFrom(
    'text/plain',
    'text/html',
    'image/png',
    'image/svg+xml',
    'application/octet-stream',
    'text/plain; charset=utf-8',
    'application/json; a="b"',
    'TEXT/PLAIN',
    '',
    ' ',
    'text',
    'text/',
    '/plain',
    'text/plain;',
    'text/plain\r\nx-evil: 1',
    'x'.repeat(5000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  anyJsonValue,
);

const contentLength = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(1000, 5 * 1024 ** 3, 5 * 1024 ** 3 + 1, Number.MAX_SAFE_INTEGER, 1.5, -0, 1e308),
  fc.string({ maxLength: 6 }),
  anyJsonValue,
);

const base64ish = fc.oneof(
  fc.constantFrom(
    '',
    'abc',
    '1B2M2Y8AsgTpgAmY7PhCfg==',
    '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  ),
  fc.base64String({ maxLength: 48 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  anyJsonValue,
);

const extraFields = fc.dictionary(
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'x', 'objectName', ''),
    fc.string({ maxLength: 8 }),
  ),
  anyJsonValue,
  { maxKeys: 2 },
);

/** The body as generated, or (one time in five) with unknown fields added. */
const sometimesWithExtraFields = <T extends object>(body: T) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(body) },
    { weight: 1, arbitrary: extraFields.map((extra) => ({ ...extra, ...body })) },
  );

/** A body a well-behaved client could send: only the name is hostile. */
const plausibleBody = fc
  .record(
    {
      object_name: objectName,
      content_type: fc.constantFrom('text/plain', 'image/png', 'application/octet-stream'),
      content_length: fc.integer({ min: 0, max: 64 }),
    },
    { requiredKeys: ['object_name'] },
  )
  .map((body) => JSON.stringify(body));

/** A REST or original-route body: plausible ones, ones with every field sometimes wrong, and junk. */
export const snakeCaseBody = fc.oneof(
  { weight: 6, arbitrary: plausibleBody },
  {
    weight: 8,
    arbitrary: fc
      .record(
        {
          object_name: fc.oneof(
            { weight: 6, arbitrary: objectName },
            { weight: 1, arbitrary: anyJsonValue },
          ),
          content_type: contentType,
          content_length: contentLength,
          content_md5: base64ish,
          checksum_sha256: base64ish,
          stage: fc.oneof(fc.constantFrom('draft', 'main', 'DRAFT', ''), anyJsonValue),
        },
        { requiredKeys: [] },
      )
      .chain(sometimesWithExtraFields)
      .map((body) => JSON.stringify(body)),
  },
  { weight: 1, arbitrary: anyJsonValue.map((value) => JSON.stringify(value)) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(
        '',
        '{',
        '{"object_name":',
        '{"object_name":"a","object_name":"b"}',
        'null',
        '{"__proto__":{"x":1},"object_name":"a"}',
        '\ufeff{"object_name":"a"}',
        '{"object_name":"\\ud800"}',
      ),
    ),
  },
);

/** A Connect JSON body for one of draft.v1's RPCs. */
export const connectBody = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record(
        {
          objectName: fc.oneof(
            { weight: 6, arbitrary: objectName },
            { weight: 1, arbitrary: anyJsonValue },
          ),
          contentType: contentType,
          contentLength: fc.oneof(
            contentLength,
            fc.bigInt({ min: -10n, max: 2n ** 64n }).map(String),
          ),
          contentMd5: base64ish,
          stage: fc.oneof(
            fc.constantFrom('STAGE_DRAFT', 'STAGE_MAIN', 'DRAFT', 0, 1, 2, 7, -1),
            anyJsonValue,
          ),
        },
        { requiredKeys: [] },
      )
      .chain(sometimesWithExtraFields)
      .map((body) => JSON.stringify(body)),
  },
  { weight: 1, arbitrary: anyJsonValue.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

/** Request headers: the JSON type (or not), and sometimes a bearer token, garbage or with a hostile sub. */
export const requestHeaders = fc.record(
  {
    'content-type': fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'Application/JSON',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          '',
        ),
      },
    ),
    authorization: fc.oneof(
      fc.constantFrom('Bearer garbage', 'Bearer ', 'Basic dTpw', 'Bearer a.b.c'),
      fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), anyJsonValue).map((sub) => {
        const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return `Bearer ${part({ alg: 'none' })}.${part({ sub })}.`;
      }),
    ),
    origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null'),
    'x-forwarded-for': fc.constantFrom('127.0.0.1', '::1'),
  },
  { requiredKeys: ['content-type'] },
);
