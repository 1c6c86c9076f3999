import { MAX_OBJECT_BYTES, MAX_PRESIGN_SECONDS } from './core/s3-limits.js';

const GIB = 1024 ** 3;
/** PNG's largest side; every format confirm measures fits in it. */
const MAX_IMAGE_SIDE = 2 ** 31 - 1;
/**
 * The default pixel cap: 16383 × 16383 (about 268 megapixels), the default input limit of
 * sharp/libvips, the thumbnailer most Node consumers of the confirmation event use. Every
 * confirmed image opens there without raising a limit; a 40,000 × 40,000 bomb (1.6 billion
 * pixels, 6.4 GB as RGBA) does not pass. Cameras stay far below it (100 MP medium format).
 */
export const DEFAULT_IMAGE_MAX_PIXELS = 0x3fff * 0x3fff;
/** The longest OBJECT_LIFETIME: ten years. */
export const MAX_OBJECT_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

/**
 * Each reader takes one variable's raw value and either returns the setting or records a
 * problem naming the variable. Plain functions rather than a schema library: this runs
 * on every cold start, and the environment is a flat map of strings.
 */
type Problems = string[];

const blank = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

const integer = (
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max: number,
  fallback: number,
  problems: Problems,
): number => {
  const raw = env[name];
  if (blank(raw)) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
  return value;
};

const boolean = <Fallback extends boolean | undefined>(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: Fallback,
  problems: Problems,
): boolean | Fallback => {
  const raw = env[name];
  if (blank(raw)) return fallback;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  problems.push(`${name} must be true or false, got "${raw}"`);
  return fallback;
};

const text = (env: NodeJS.ProcessEnv, name: string, fallback: string): string => {
  const raw = env[name];
  return blank(raw) ? fallback : raw.trim();
};

const storageType = (env: NodeJS.ProcessEnv, problems: Problems): 's3' | 'minio' => {
  const value = text(env, 'STORAGE_TYPE', 's3').toLowerCase();
  if (value === 's3' || value === 'minio') return value;
  problems.push(`STORAGE_TYPE must be "s3" or "minio", got "${value}"`);
  return 's3';
};

// S3 bucket naming rules, simplified to the ones a typo breaks.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const CONTENT_TYPE_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

const contentTypes = (env: NodeJS.ProcessEnv, problems: Problems): string[] => {
  const types = (env.ALLOWED_CONTENT_TYPES ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  const bad = types.filter((entry) => entry !== '*/*' && !CONTENT_TYPE_PATTERN.test(entry));
  if (bad.length > 0) {
    problems.push(
      `ALLOWED_CONTENT_TYPES must be a comma list of types like "image/png" or "image/*", got "${bad.join(', ')}"`,
    );
    return [];
  }
  return types.includes('*/*') ? [] : types;
};

/**
 * Types a download may show in the browser. Images that can carry script (SVG) and
 * markup (HTML, XML) are left out: on the bucket's origin they would run as a page.
 */
export const DEFAULT_INLINE_CONTENT_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'video/*',
  'audio/*',
  'application/pdf',
  'text/plain',
];

const inlineContentTypes = (env: NodeJS.ProcessEnv, problems: Problems): readonly string[] => {
  const raw = env.INLINE_CONTENT_TYPES;
  if (blank(raw)) return DEFAULT_INLINE_CONTENT_TYPES;
  if (raw.trim().toLowerCase() === 'none') return [];
  const types = raw
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  const bad = types.filter((entry) => !CONTENT_TYPE_PATTERN.test(entry));
  if (bad.length > 0) {
    problems.push(
      `INLINE_CONTENT_TYPES must be "none" or a comma list of types like "image/png" or "video/*", got "${bad.join(', ')}"`,
    );
    return DEFAULT_INLINE_CONTENT_TYPES;
  }
  return types;
};

const oneOf = <T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: Problems,
): T => {
  const value = text(env, name, fallback).toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(
    `${name} must be ${allowed.map((entry) => `"${entry}"`).join(' or ')}, got "${value}"`,
  );
  return fallback;
};

/** What GuardDuty Malware Protection for S3 may tag besides its two verdicts. */
const GUARDDUTY_OTHER_STATUSES = ['UNSUPPORTED', 'ACCESS_DENIED', 'FAILED'];

const guardDutyPassStatuses = (env: NodeJS.ProcessEnv, problems: Problems): string[] => {
  const statuses = text(env, 'GUARDDUTY_PASS_STATUSES', '')
    .split(',')
    .map((entry) => entry.trim().toUpperCase())
    .filter((entry) => entry !== '');
  const bad = statuses.filter((entry) => !GUARDDUTY_OTHER_STATUSES.includes(entry));
  if (bad.length > 0) {
    problems.push(
      `GUARDDUTY_PASS_STATUSES must be a comma list of ${GUARDDUTY_OTHER_STATUSES.join(', ')}, got "${bad.join(', ')}"`,
    );
    return [];
  }
  return statuses;
};

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
  /**
   * The store URL-decodes UploadPartCopy's copy source twice (Ceph RGW 16.2). Unset, an
   * S3-compatible store is probed once (AWS decodes once).
   */
  readonly partCopySourceDecodedTwice: boolean | undefined;
  /** Stored types download URLs serve inline; every other type is an attachment. */
  readonly inlineContentTypes: readonly string[];
  /** Whether confirm checks that a draft's bytes are its declared type (CONTENT_SNIFFING). */
  readonly contentSniffing: 'strict' | 'off';
  /** Confirm's malware verdict (MALWARE_SCAN). */
  readonly malwareScan: 'off' | 'clamav' | 'guardduty';
  /** GuardDuty statuses besides NO_THREATS_FOUND that confirm passes (GUARDDUTY_PASS_STATUSES). */
  readonly guardDutyPassStatuses: readonly string[];
  /** clamd, for MALWARE_SCAN=clamav: address, time limit, and its StreamMaxLength. */
  readonly clamd: {
    readonly address: string;
    readonly timeoutMs: number;
    readonly streamMaxBytes: number;
  };
  /**
   * The usage table (DynamoDB, lambdas/storage/usage-table.ts): the usage ledger and the
   * per-owner limits. `table` unset means no ledger: confirm and delete make no extra
   * request, and usage is measured from a listing of main.
   */
  readonly usage: UsageSettings;
  /** Confirm's image rules (IMAGE_MAX_WIDTH, IMAGE_MAX_HEIGHT, IMAGE_MAX_PIXELS); 0 is no limit. */
  readonly imageLimits: {
    readonly maxWidth: number;
    readonly maxHeight: number;
    readonly maxPixels: number;
  };
}

/** Where the usage table lives, and the default per-owner quotas. */
export interface UsageSettings {
  /** USAGE_TABLE: the DynamoDB table's name. */
  readonly table: string | undefined;
  /** DYNAMODB_ENDPOINT: any DynamoDB-compatible endpoint (dynalite locally). @default AWS */
  readonly endpoint: string | undefined;
  /** QUOTA_BYTES: the default most bytes an owner may keep in main; undefined is unlimited. */
  readonly quotaBytes: number | undefined;
  /** QUOTA_OBJECTS: the default most objects an owner may keep in main; undefined is unlimited. */
  readonly quotaObjects: number | undefined;
}

/**
 * The settings that need the usage table. Each names what it configures; the local runtime
 * starts dynalite when any is set and no DYNAMODB_ENDPOINT is given.
 */
export const USAGE_TABLE_SETTINGS = ['QUOTA_BYTES', 'QUOTA_OBJECTS'] as const;

/** Whether the environment asks for anything that lives in the usage table. */
export const needsUsageTable = (env: NodeJS.ProcessEnv): boolean =>
  !blank(env.USAGE_TABLE) || USAGE_TABLE_SETTINGS.some((name) => !blank(env[name]));

const optionalInteger = (
  env: NodeJS.ProcessEnv,
  name: string,
  max: number,
  problems: Problems,
): number | undefined => {
  if (blank(env[name])) return undefined;
  return integer(env, name, 0, max, 0, problems);
};

// DynamoDB table names: 3-255 of these characters.
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

const usageSettings = (env: NodeJS.ProcessEnv, problems: Problems): UsageSettings => {
  const table = blank(env.USAGE_TABLE) ? undefined : env.USAGE_TABLE.trim();
  if (table !== undefined && !TABLE_NAME.test(table)) {
    problems.push(`USAGE_TABLE must be 3-255 letters, digits, "_", "." or "-", got "${table}"`);
  }
  const endpoint = blank(env.DYNAMODB_ENDPOINT) ? undefined : env.DYNAMODB_ENDPOINT.trim();
  if (endpoint !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(endpoint)) {
    problems.push(
      `DYNAMODB_ENDPOINT must be an http(s) URL without a path, like http://127.0.0.1:4567, got "${endpoint}"`,
    );
  }
  const settings: UsageSettings = {
    table,
    endpoint,
    quotaBytes: optionalInteger(env, 'QUOTA_BYTES', Number.MAX_SAFE_INTEGER, problems),
    quotaObjects: optionalInteger(env, 'QUOTA_OBJECTS', Number.MAX_SAFE_INTEGER, problems),
  };
  if (table === undefined) {
    for (const name of USAGE_TABLE_SETTINGS) {
      if (!blank(env[name])) {
        problems.push(`${name} needs USAGE_TABLE, the DynamoDB table that keeps usage and limits`);
      }
    }
  }
  return settings;
};

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from the environment (the original DraftStore's names).
 * A bad value is an error naming the variable; nothing falls back silently.
 */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const problems: Problems = [];
  const main = text(env, 'BUCKET_NAME', 'main');
  const draft = env.DRAFT_BUCKET_NAME?.trim() || `${main}-draft`;
  const endpoint = text(env, 'MINIO_ENDPOINT', 'localhost:9000');
  const config: Config = {
    storageType: storageType(env, problems),
    buckets: { main, draft },
    awsRegion: text(env, 'AWS_REGION', 'us-east-1'),
    minio: {
      endpoint,
      accessKey: text(env, 'MINIO_ACCESS_KEY', 'minioadmin'),
      secretKey: text(env, 'MINIO_SECRET_KEY', 'minioadmin'),
      useSsl: boolean(env, 'MINIO_USE_SSL', false, problems),
      region: text(env, 'MINIO_REGION', 'us-east-1'),
    },
    httpPort: integer(env, 'HTTP_PORT', 0, 65535, 8080, problems),
    grpcPort: integer(env, 'GRPC_PORT', 0, 65535, 50051, problems),
    uploadTtlSeconds: integer(env, 'UPLOAD_TTL', 1, MAX_PRESIGN_SECONDS, 3600, problems),
    downloadTtlSeconds: integer(env, 'DOWNLOAD_TTL', 1, MAX_PRESIGN_SECONDS, 3600, problems),
    objectLifetimeSeconds: integer(
      env,
      'OBJECT_LIFETIME',
      1,
      MAX_OBJECT_LIFETIME_SECONDS,
      86400,
      problems,
    ),
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 1, MAX_OBJECT_BYTES, 5 * GIB, problems),
    cleanupIntervalSeconds: integer(env, 'CLEANUP_INTERVAL', 0, 24 * 3600, 60, problems),
    allowedContentTypes: contentTypes(env, problems),
    partCopySourceDecodedTwice: boolean(
      env,
      'S3_PART_COPY_SOURCE_DECODED_TWICE',
      undefined,
      problems,
    ),
    inlineContentTypes: inlineContentTypes(env, problems),
    contentSniffing: oneOf(env, 'CONTENT_SNIFFING', ['strict', 'off'], 'strict', problems),
    malwareScan: oneOf(env, 'MALWARE_SCAN', ['off', 'clamav', 'guardduty'], 'off', problems),
    guardDutyPassStatuses: guardDutyPassStatuses(env, problems),
    clamd: {
      address: text(env, 'CLAMD_ADDRESS', ''),
      timeoutMs: integer(env, 'CLAMD_TIMEOUT_MS', 1, 15 * 60 * 1000, 30_000, problems),
      // clamd's own default StreamMaxLength (clamd.conf(5)).
      streamMaxBytes: integer(
        env,
        'CLAMD_STREAM_MAX_BYTES',
        1,
        4 * GIB - 1,
        25 * 1024 ** 2,
        problems,
      ),
    },
    usage: usageSettings(env, problems),
    imageLimits: {
      maxWidth: integer(env, 'IMAGE_MAX_WIDTH', 0, MAX_IMAGE_SIDE, 0, problems),
      maxHeight: integer(env, 'IMAGE_MAX_HEIGHT', 0, MAX_IMAGE_SIDE, 0, problems),
      maxPixels: integer(
        env,
        'IMAGE_MAX_PIXELS',
        0,
        Number.MAX_SAFE_INTEGER,
        DEFAULT_IMAGE_MAX_PIXELS,
        problems,
      ),
    },
  };
  for (const [name, value] of [
    ['BUCKET_NAME', main],
    ['DRAFT_BUCKET_NAME', draft],
  ] as const) {
    if (!BUCKET_NAME.test(value)) {
      problems.push(`${name} must be 3-63 lower-case letters, digits, "." or "-", got "${value}"`);
    }
  }
  if (draft === main) problems.push('DRAFT_BUCKET_NAME must differ from BUCKET_NAME');
  if (
    config.malwareScan === 'clamav' &&
    !/^(\/.+|[A-Za-z0-9.-]+:\d{1,5})$/.test(config.clamd.address)
  ) {
    problems.push(
      `CLAMD_ADDRESS must be host:port or the path of a unix socket when MALWARE_SCAN=clamav, got "${config.clamd.address}"`,
    );
  }
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(endpoint)) {
    problems.push(
      `MINIO_ENDPOINT must be host:port without a scheme (see MINIO_USE_SSL), got "${endpoint}"`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return config;
};

/** The configuration with secrets masked, for start-up logs. */
export const describeConfig = (config: Config): Record<string, unknown> => ({
  ...config,
  minio: { ...config.minio, secretKey: '********' },
});
