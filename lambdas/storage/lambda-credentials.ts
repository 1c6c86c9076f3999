import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * The AWS SDK's default credential provider, as the Lambda bundles have it: Lambda puts the
 * function role's credentials in the environment, so the SDK's whole default chain (shared
 * files, SSO, IMDS, container and web-identity providers: about 130 KB of every bundle)
 * would only be parsed at each cold start and never run. lib/bundle-options.ts aliases
 * `@aws-sdk/credential-provider-node` to this module in the Lambda bundles only; local runs
 * (tsx, the CLI, the tests) keep the SDK's chain.
 */
export const defaultProvider =
  (): AwsCredentialIdentityProvider => (): Promise<AwsCredentialIdentity> => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      // The name the SDK's own chain gives this failure, which s3-errors.ts maps to a 503.
      const missing = new Error(
        'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).',
      );
      missing.name = 'CredentialsProviderError';
      return Promise.reject(missing);
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    return Promise.resolve({
      accessKeyId,
      secretAccessKey,
      ...(sessionToken && { sessionToken }),
    });
  };
