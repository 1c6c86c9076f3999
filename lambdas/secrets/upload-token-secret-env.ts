/**
 * The variable naming the Secrets Manager secret whose value signs upload tokens. Plain
 * data, so the CDK app can set it without loading any Lambda code.
 */
export const UPLOAD_TOKEN_SECRET_ENV = 'UPLOAD_TOKEN_SECRET_ARN';
