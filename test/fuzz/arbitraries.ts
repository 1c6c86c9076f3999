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
  // A quoted parameter is free text inside a header value: every character class in it.
  fc
    .oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 4 }))
    .map((value) => `text/plain; x="${value}"`),
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

/** Whole numbers at and past every limit, and numbers and values that are not whole numbers. */
const count = fc.oneof(
  fc.integer({ min: -2, max: 10_002 }),
  fc.constantFrom(100, 101, 1000, 1001, 10_000, 5 * 1024 ** 2, 5 * 1024 ** 3 + 1, 2 ** 31, 1.5, -0),
  anyJsonValue,
);

/** An upload token: garbage, well-formed but unsigned, or near the length limit. */
const uploadToken = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc
    .tuple(fc.jsonValue({ maxDepth: 1 }), fc.base64String({ maxLength: 44 }))
    .map(([claims, mac]) => `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`),
  fc.constantFrom('.', 'a.b.c', 'x'.repeat(4096), 'x'.repeat(4097)),
  anyJsonValue,
);

/** The fields of the multipart and listing routes, each sometimes wrong. */
const moreFields = {
  part_size: count,
  part_numbers: fc.oneof(fc.array(count, { maxLength: 4 }), anyJsonValue),
  parts: fc.oneof(
    fc.array(fc.record({ part_number: count, etag: fc.oneof(base64ish, fc.constant('"x"')) }), {
      maxLength: 3,
    }),
    anyJsonValue,
  ),
  content_md5_map: fc.dictionary(
    fc.oneof(fc.constantFrom('1', '01', '0', '10001'), fc.string({ maxLength: 3 })),
    base64ish,
    { maxKeys: 2 },
  ),
  upload_id: fc.oneof(
    fc.stringMatching(/^[0-9a-f]{32}$/),
    fc.string({ maxLength: 8 }),
    anyJsonValue,
  ),
  upload_token: uploadToken,
  limit: count,
  prefix: fc.oneof(objectName, anyJsonValue),
  delimiter: fc.oneof(fc.constantFrom('/', '', '//', '\u0000'), anyJsonValue),
  cursor: fc.oneof(fc.string({ maxLength: 12 }), fc.base64String({ maxLength: 40 }), anyJsonValue),
  metadata: fc.oneof(
    fc.dictionary(
      fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,8}$/), fc.string({ maxLength: 6 })),
      fc.oneof(fc.string({ maxLength: 8 }), anyJsonValue),
      { maxKeys: 3 },
    ),
    anyJsonValue,
  ),
};

/** Mostly `valid`, sometimes anything `hostile`: bodies must pass most checks to reach deep ones. */
const mostly = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostile });

/**
 * A hand-made cursor inside the anonymous listing (the format is no secret): a position
 * after `anonymous/` that is a hostile segment, or no key at all (a lone surrogate, a
 * control character, longer than a key), sometimes rolled up.
 */
const handMadeCursor = fc
  .tuple(
    fc.oneof(segment, fc.constantFrom('\ud800', 'a\udfff', '\u0000', 'k'.repeat(1020))),
    fc.constantFrom(undefined, 1, 2),
  )
  .map(([after, rolledUp]) =>
    Buffer.from(JSON.stringify({ v: 1, a: `anonymous/${after}`, r: rolledUp })).toString(
      'base64url',
    ),
  );

/** The fields of a listing only (REST and Connect spell them alike), `stage` as each names it. */
const listingBody = (stageName: (stage: 'draft' | 'main') => string) =>
  fc.record(
    {
      stage: fc.constantFrom('draft', 'main').map(stageName),
      prefix: mostly(fc.constant(''), moreFields.prefix),
      delimiter: mostly(fc.constant('/'), moreFields.delimiter),
      cursor: mostly(handMadeCursor, moreFields.cursor),
      limit: mostly(fc.integer({ min: 1, max: 1000 }), moreFields.limit),
    },
    { requiredKeys: [] },
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
  {
    // The fields of the listing and multipart routes, with a name and a length to go with them.
    weight: 3,
    arbitrary: fc
      .record(
        {
          object_name: fc.oneof(
            { weight: 6, arbitrary: objectName },
            { weight: 1, arbitrary: anyJsonValue },
          ),
          content_length: contentLength,
          content_type: contentType,
          ...moreFields,
        },
        { requiredKeys: [] },
      )
      // sign-parts names its map content_md5, where upload-url takes one digest.
      .map(({ content_md5_map: map, ...body }) =>
        map === undefined ? body : { ...body, content_md5: map },
      )
      .chain(sometimesWithExtraFields)
      .map((body) => JSON.stringify(body)),
  },
  {
    // A listing request alone, so that list-objects sees bodies it can accept.
    weight: 2,
    arbitrary: listingBody((stage) => stage).map((body) => JSON.stringify(body)),
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
          partSize: fc.oneof(
            moreFields.part_size,
            fc.bigInt({ min: -2n, max: 2n ** 64n }).map(String),
          ),
          partNumbers: moreFields.part_numbers,
          parts: fc.oneof(
            fc.array(
              fc.record({ partNumber: count, etag: fc.oneof(base64ish, fc.constant('"x"')) }),
              {
                maxLength: 3,
              },
            ),
            anyJsonValue,
          ),
          contentMd5Map: moreFields.content_md5_map,
          uploadId: moreFields.upload_id,
          uploadToken: moreFields.upload_token,
          limit: moreFields.limit,
          prefix: moreFields.prefix,
          delimiter: moreFields.delimiter,
          cursor: moreFields.cursor,
          metadata: moreFields.metadata,
        },
        { requiredKeys: [] },
      )
      // SignUploadParts names its map contentMd5, where GetUploadURL takes one digest.
      .map(({ contentMd5Map: map, ...body }) =>
        map !== undefined && body.contentMd5 === undefined ? { ...body, contentMd5: map } : body,
      )
      .chain(sometimesWithExtraFields)
      .map((body) => JSON.stringify(body)),
  },
  {
    weight: 2,
    arbitrary: listingBody((stage) => `STAGE_${stage.toUpperCase()}`).map((body) =>
      JSON.stringify(body),
    ),
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
      fc
        .oneof(
          fc.string({ unit: 'grapheme', maxLength: 12 }),
          anyJsonValue,
          // Owner segments at every store's limits, and one naming the embedded store's files.
          fc.constantFrom(233, 234, 255, 256).map((length) => 's'.repeat(length)),
          fc.constant('a._S3rver_object'),
        )
        .map((sub) => {
          const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
          return `Bearer ${part({ alg: 'none' })}.${part({ sub })}.`;
        }),
    ),
    origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null'),
    'x-forwarded-for': fc.constantFrom('127.0.0.1', '::1'),
  },
  { requiredKeys: ['content-type'] },
);

/** A multipart upload that exists: its reference, and the etags of the parts uploaded (1..n). */
export interface LiveUpload {
  readonly object_name: string;
  readonly upload_id: string;
  readonly upload_token: string;
  readonly etags: readonly string[];
}

/**
 * A call on a live upload (never abort, which would end it): each reference field is the
 * real one or a hostile one, the token sometimes altered by a character, and part lists
 * drawn from the real part numbers and etags, their neighbours, and junk.
 */
export const multipartCall = (live: LiveUpload) => {
  const real = <T>(value: T, hostile: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: hostile });
  const alteredToken = fc.nat({ max: live.upload_token.length - 1 }).map((at) => {
    const flipped = live.upload_token[at] === 'A' ? 'B' : 'A';
    return `${live.upload_token.slice(0, at)}${flipped}${live.upload_token.slice(at + 1)}`;
  });
  const partNumber = fc.oneof(fc.integer({ min: 0, max: live.etags.length + 2 }), count);
  const etag = fc.oneof(
    fc.constantFrom(...live.etags),
    fc.constantFrom(...live.etags.map((tag) => tag.replace(/"/g, ''))),
    base64ish,
  );
  const reference = fc.record({
    object_name: real(live.object_name, fc.oneof(objectName, anyJsonValue)),
    upload_id: real(live.upload_id, moreFields.upload_id),
    upload_token: real(live.upload_token, fc.oneof(alteredToken, uploadToken)),
  });
  return fc
    .oneof(
      reference.map((body) => ({ path: '/api/v1/multipart/list-parts', body })),
      fc
        .tuple(
          reference,
          fc.array(partNumber, { maxLength: 4 }),
          fc.option(moreFields.content_md5_map),
        )
        .map(([body, numbers, md5]) => ({
          path: '/api/v1/multipart/sign-parts',
          body: { ...body, part_numbers: numbers, ...(md5 !== null && { content_md5: md5 }) },
        })),
      fc
        .tuple(reference, fc.array(fc.record({ part_number: partNumber, etag }), { maxLength: 5 }))
        .map(([body, parts]) => ({ path: '/api/v1/multipart/complete', body: { ...body, parts } })),
    )
    .map(({ path, body }) => ({ path, body: JSON.stringify(body) }));
};
