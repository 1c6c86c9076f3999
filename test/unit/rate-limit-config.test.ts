import { ConfigError, loadConfig } from '../../lambdas/config.js';

/** The limits' counters live in the usage table. */
const TABLE = { USAGE_TABLE: 'draftstore-usage' };

describe('RATE_LIMIT_PER_MINUTE and READ_RATE_LIMIT_PER_MINUTE', () => {
  it('are off when unset or blank', () => {
    expect(loadConfig({}).rateLimits).toEqual({});
    expect(
      loadConfig({ RATE_LIMIT_PER_MINUTE: ' ', READ_RATE_LIMIT_PER_MINUTE: '' }).rateLimits,
    ).toEqual({});
  });

  it('set each class on its own', () => {
    expect(loadConfig({ ...TABLE, RATE_LIMIT_PER_MINUTE: '60' }).rateLimits).toEqual({ write: 60 });
    expect(loadConfig({ ...TABLE, READ_RATE_LIMIT_PER_MINUTE: ' 600 ' }).rateLimits).toEqual({
      read: 600,
    });
    expect(
      loadConfig({
        ...TABLE,
        RATE_LIMIT_PER_MINUTE: '1',
        READ_RATE_LIMIT_PER_MINUTE: '1000000000',
      }).rateLimits,
    ).toEqual({ write: 1, read: 1_000_000_000 });
  });

  it.each(['RATE_LIMIT_PER_MINUTE', 'READ_RATE_LIMIT_PER_MINUTE'])(
    '%s without USAGE_TABLE stops start-up: its counters live there',
    (name) => {
      expect(() => loadConfig({ [name]: '60' })).toThrow(
        `${name} needs USAGE_TABLE, the DynamoDB table that keeps usage and limits`,
      );
    },
  );

  it.each([
    ['RATE_LIMIT_PER_MINUTE', 'abc'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['RATE_LIMIT_PER_MINUTE', '-5'],
    ['READ_RATE_LIMIT_PER_MINUTE', '2.5'],
    ['READ_RATE_LIMIT_PER_MINUTE', '1e3'],
    ['READ_RATE_LIMIT_PER_MINUTE', '1000000001'],
  ])('%s=%p stops start-up naming the variable', (name, raw) => {
    // act
    const load = () => loadConfig({ ...TABLE, [name]: raw });

    // assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      `${name} must be a whole number from 1 to 1000000000 (unset for no limit), got "${raw}"`,
    );
  });
});
