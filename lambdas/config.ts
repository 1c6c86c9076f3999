import { z } from 'zod';

const GIB = 1024 ** 3;
/** A SigV4 presigned URL cannot live longer than seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number from ${min} to ${max}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return value;
    });

const boolean = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = raw.trim().toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${raw}"` });
      return z.NEVER;
    });

const text = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? fallback : raw.trim()));

// S3 bucket naming rules, simplified to the ones a typo breaks.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const CONTENT_TYPE_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

const environment = z.object({
  STORAGE_TYPE: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? 's3' : raw.trim().toLowerCase()))
    .pipe(
      z.enum(['s3', 'minio'], {
        error: (issue) => `STORAGE_TYPE must be "s3" or "minio", got "${String(issue.input)}"`,
      }),
    ),
  BUCKET_NAME: text('main'),
  DRAFT_BUCKET_NAME: z.string().optional(),
  AWS_REGION: text('us-east-1'),
  MINIO_ENDPOINT: text('localhost:9000'),
  MINIO_ACCESS_KEY: text('minioadmin'),
  MINIO_SECRET_KEY: text('minioadmin'),
  MINIO_USE_SSL: boolean('MINIO_USE_SSL', false),
  MINIO_REGION: text('us-east-1'),
  HTTP_PORT: integer('HTTP_PORT', 0, 65535, 8080),
  GRPC_PORT: integer('GRPC_PORT', 0, 65535, 50051),
  UPLOAD_TTL: integer('UPLOAD_TTL', 1, MAX_PRESIGN_SECONDS, 3600),
  DOWNLOAD_TTL: integer('DOWNLOAD_TTL', 1, MAX_PRESIGN_SECONDS, 3600),
  OBJECT_LIFETIME: integer('OBJECT_LIFETIME', 1, 10 * 365 * 24 * 3600, 86400),
  MAX_UPLOAD_BYTES: integer('MAX_UPLOAD_BYTES', 1, 5 * GIB, 5 * GIB),
  CLEANUP_INTERVAL: integer('CLEANUP_INTERVAL', 0, 24 * 3600, 60),
  S3_PART_COPY_SOURCE_DECODED_TWICE: boolean('S3_PART_COPY_SOURCE_DECODED_TWICE', false),
  ALLOWED_CONTENT_TYPES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const types = (raw ?? '')
        .split(',')
        .map((entry) => entry.trim().toLowerCase())
        .filter((entry) => entry !== '');
      const bad = types.filter((entry) => entry !== '*/*' && !CONTENT_TYPE_PATTERN.test(entry));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `ALLOWED_CONTENT_TYPES must be a comma list of types like "image/png" or "image/*", got "${bad.join(', ')}"`,
        });
        return z.NEVER;
      }
      return types.includes('*/*') ? [] : types;
    }),
});

export interface Config {
  readonly storageType: 's3' | 'minio';
  readonly buckets: { readonly main: string; readonly draft: string };
  readonly awsRegion: string;
  readonly minio: {
    readonly endpoint: string;
    readonly accessKey: string;
    readonly secretKey: string;
    readonly useSsl: boolean;
    readonly region: string;
  };
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly uploadTtlSeconds: number;
  readonly downloadTtlSeconds: number;
  readonly objectLifetimeSeconds: number;
  readonly maxUploadBytes: number;
  /** How often the local runtime sweeps expired drafts (CLEANUP_INTERVAL); 0 disables it. */
  readonly cleanupIntervalSeconds: number;
  /** Empty means any type. */
  readonly allowedContentTypes: readonly string[];
  /** The store URL-decodes UploadPartCopy's copy source twice (Ceph RGW 16.2). */
  readonly partCopySourceDecodedTwice: boolean;
}

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from the environment (the original DraftStore's names).
 * A bad value is an error naming the variable; nothing falls back silently.
 */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  const draft = e.DRAFT_BUCKET_NAME?.trim() || `${e.BUCKET_NAME}-draft`;
  const problems: string[] = [];
  for (const [name, value] of [
    ['BUCKET_NAME', e.BUCKET_NAME],
    ['DRAFT_BUCKET_NAME', draft],
  ] as const) {
    if (!BUCKET_NAME.test(value)) {
      problems.push(
        `  - ${name} must be 3-63 lower-case letters, digits, "." or "-", got "${value}"`,
      );
    }
  }
  if (draft === e.BUCKET_NAME) {
    problems.push('  - DRAFT_BUCKET_NAME must differ from BUCKET_NAME');
  }
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(e.MINIO_ENDPOINT)) {
    problems.push(
      `  - MINIO_ENDPOINT must be host:port without a scheme (see MINIO_USE_SSL), got "${e.MINIO_ENDPOINT}"`,
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);

  return {
    storageType: e.STORAGE_TYPE,
    buckets: { main: e.BUCKET_NAME, draft },
    awsRegion: e.AWS_REGION,
    minio: {
      endpoint: e.MINIO_ENDPOINT,
      accessKey: e.MINIO_ACCESS_KEY,
      secretKey: e.MINIO_SECRET_KEY,
      useSsl: e.MINIO_USE_SSL,
      region: e.MINIO_REGION,
    },
    httpPort: e.HTTP_PORT,
    grpcPort: e.GRPC_PORT,
    uploadTtlSeconds: e.UPLOAD_TTL,
    downloadTtlSeconds: e.DOWNLOAD_TTL,
    objectLifetimeSeconds: e.OBJECT_LIFETIME,
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    cleanupIntervalSeconds: e.CLEANUP_INTERVAL,
    allowedContentTypes: e.ALLOWED_CONTENT_TYPES,
    partCopySourceDecodedTwice: e.S3_PART_COPY_SOURCE_DECODED_TWICE,
  };
};

/** The configuration with secrets masked, for start-up logs. */
export const describeConfig = (config: Config): Record<string, unknown> => ({
  ...config,
  minio: { ...config.minio, secretKey: '********' },
});
