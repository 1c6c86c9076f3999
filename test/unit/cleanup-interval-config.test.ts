import { ConfigError, loadConfig } from '../../lambdas/config.js';

describe('CLEANUP_INTERVAL', () => {
  it('defaults to a sweep a minute', () => {
    // act
    const config = loadConfig({});

    // assess
    expect(config.cleanupIntervalSeconds).toBe(60);
  });

  it('accepts 0, which turns the local cleanup timer off', () => {
    // act
    const config = loadConfig({ CLEANUP_INTERVAL: '0' });

    // assess
    expect(config.cleanupIntervalSeconds).toBe(0);
  });

  it.each(['-1', '1.5', 'soon', '86401'])(
    'rejects %p with a message naming the variable',
    (raw) => {
      // act
      const load = () => loadConfig({ CLEANUP_INTERVAL: raw });

      // assess
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`CLEANUP_INTERVAL must be a whole number from 0 to 86400, got "${raw}"`);
    },
  );
});
