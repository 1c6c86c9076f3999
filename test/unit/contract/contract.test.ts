import {
  compatUploadRequest,
  confirmRequest,
  describeValidationError,
  downloadUrlRequest,
  isValidationError,
  uploadUrlRequest,
} from '../../../lambdas/contract/index.js';

const problemOf = (schema: { safeParse(value: unknown): unknown }, value: unknown): string => {
  const result = schema.safeParse(value) as { success: boolean; error?: unknown };
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  if (!isValidationError(result.error)) throw new Error('expected a validation error');
  return describeValidationError(result.error);
};

describe('the API contract (zod/mini, no locale shipped)', () => {
  it('names an unknown field instead of zod/mini\'s bare "Invalid input"', () => {
    expect(problemOf(confirmRequest, { object_name: 'a.txt', extra: 1 })).toBe(
      'unknown field "extra"',
    );
    expect(problemOf(uploadUrlRequest, { object_name: 'a', x: 1, y: 2 })).toBe(
      'unknown fields "x", "y"',
    );
  });

  it('says the body must be an object when it is not one', () => {
    expect(problemOf(confirmRequest, 'a.txt')).toBe('The request body must be a JSON object.');
    expect(problemOf(confirmRequest, [])).toBe('The request body must be a JSON object.');
  });

  it('words every field problem with the field first', () => {
    expect(problemOf(confirmRequest, {})).toBe('object_name: must be a string');
    expect(problemOf(confirmRequest, { object_name: '' })).toBe('object_name: must not be empty');
    expect(problemOf(downloadUrlRequest, { object_name: 'a', stage: 'x' })).toBe(
      'stage: must be "draft" or "main"',
    );
    expect(problemOf(uploadUrlRequest, { object_name: 'a', content_length: 1.5 })).toBe(
      'content_length: must be a whole number',
    );
    expect(problemOf(uploadUrlRequest, { object_name: 'a', content_md5: 'AAAA' })).toBe(
      'content_md5: must be the base64 MD5 of the body (16 bytes)',
    );
  });

  it('checks digest lengths without Buffer, on both sides of the boundary', () => {
    const md5 = (bytes: number) => btoa('x'.repeat(bytes));
    expect(uploadUrlRequest.safeParse({ object_name: 'a', content_md5: md5(16) }).success).toBe(
      true,
    );
    expect(uploadUrlRequest.safeParse({ object_name: 'a', content_md5: md5(15) }).success).toBe(
      false,
    );
    expect(uploadUrlRequest.safeParse({ object_name: 'a', content_md5: md5(17) }).success).toBe(
      false,
    );
  });

  it('lets the original contract keep ignoring unknown fields', () => {
    expect(compatUploadRequest.parse({ object_name: 'a', legacy: true })).toEqual({
      object_name: 'a',
    });
  });
});
