import { defaultProvider } from '../../../lambdas/storage/lambda-credentials.js';
import { toDraftError } from '../../../lambdas/storage/s3-errors.js';

describe("the Lambda bundles' credential provider (the environment only)", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it("answers the role's credentials that Lambda puts in the environment, read at each call", async () => {
    // prepare
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-example';
    process.env.AWS_SESSION_TOKEN = 'token-example';
    const provide = defaultProvider();

    // act
    const first = await provide();
    delete process.env.AWS_SESSION_TOKEN;
    const second = await provide();

    // assess
    expect(first).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret-example',
      sessionToken: 'token-example',
    });
    expect(second).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' });
  });

  it('fails as the SDK chain does without them, which storage maps to a 503, never a leak', async () => {
    // prepare
    delete process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-example';

    // act
    const failure = await defaultProvider()().catch((error: unknown) => error);

    // assess
    expect(failure).toMatchObject({ name: 'CredentialsProviderError' });
    const mapped = toDraftError(failure, 'copying an object');
    expect(mapped).toMatchObject({
      code: 'storage_unavailable',
      message: 'Storage is unavailable (copying an object): the service has no credentials for it.',
    });
    expect(mapped.message).not.toContain('secret-example');
  });
});
