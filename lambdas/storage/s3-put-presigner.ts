import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { formatUrl } from '@aws-sdk/core/util';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { FinalizeRequestMiddleware, HttpRequest } from '@smithy/types';

/** What a presigned PUT binds. */
export interface PutToSign {
  readonly bucket: string;
  readonly key: string;
  readonly expiresInSeconds: number;
  /** Headers the uploader must send, lower-case; each one is signed. */
  readonly headers: Readonly<Record<string, string>>;
  /** Signed headers that must stay headers (not hoisted into the query string). */
  readonly unhoistable: readonly string[];
  /** @default now */
  readonly signingDate?: Date;
}

/** The SDK's PutObject request for one bucket, with a placeholder where the key goes. */
interface Template {
  readonly request: HttpRequest;
  readonly pathBefore: string;
  readonly pathAfter: string;
  readonly presigner: S3RequestPresigner;
  readonly signingRegion: string | undefined;
  readonly signingService: string | undefined;
}

// Not a valid key for anything the API accepts (names refuse control characters), and
// survives URI encoding as one recognisable run.
const PLACEHOLDER = 'draftstore-key-placeholder';

/** How the SDK encodes a greedy `{Key+}` label: each segment, RFC 3986 strict. */
const encodeKey = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');

/**
 * Presigned PUT URLs without the SDK's per-call request pipeline. getSignedUrl resolves
 * the endpoint rules, clones the client's middleware stack and serializes the command on
 * every call, though for one bucket only the key in the path changes: most of the
 * upload-url handler's time. This runs that pipeline once per bucket (with a placeholder
 * key), then signs a copy of the request with the key put in, using the SDK's own
 * S3RequestPresigner. A property test pins the URLs to getSignedUrl's, byte for byte.
 */
export class S3PutPresigner {
  readonly #client: S3Client;
  readonly #templates = new Map<string, Promise<Template | 'unsupported'>>();

  constructor(client: S3Client) {
    this.#client = client;
  }

  /**
   * The presigned URL, or `undefined` where the bucket needs what only getSignedUrl does
   * (S3 Express session credentials, SigV4a): the caller then uses getSignedUrl.
   */
  async presign(put: PutToSign): Promise<string | undefined> {
    const template = await this.#template(put.bucket);
    if (template === 'unsupported') return undefined;
    const request: HttpRequest = {
      ...template.request,
      path: `${template.pathBefore}${encodeKey(put.key)}${template.pathAfter}`,
      headers: { ...template.request.headers, ...put.headers },
      query: { ...template.request.query },
    };
    const signed = await template.presigner.presign(request, {
      expiresIn: put.expiresInSeconds,
      signableHeaders: new Set(Object.keys(put.headers)),
      unhoistableHeaders: new Set(put.unhoistable),
      ...(put.signingDate && { signingDate: put.signingDate }),
      ...(template.signingRegion && { signingRegion: template.signingRegion }),
      ...(template.signingService && { signingService: template.signingService }),
    });
    return formatUrl(signed);
  }

  #template(bucket: string): Promise<Template | 'unsupported'> {
    let template = this.#templates.get(bucket);
    if (template === undefined) {
      template = this.#capture(bucket);
      // A failure (no credentials yet, say) is not kept: the next call tries again.
      template.catch(() => this.#templates.delete(bucket));
      this.#templates.set(bucket, template);
    }
    return template;
  }

  /** Runs the SDK's pipeline for a placeholder PutObject up to signing, as getSignedUrl does. */
  async #capture(bucket: string): Promise<Template | 'unsupported'> {
    const client = this.#client;
    let captured: { request: HttpRequest; context: Record<string, unknown> } | undefined;
    const stack = client.middlewareStack.clone();
    const capture: FinalizeRequestMiddleware<object, object> = (_next, context) => async (args) => {
      captured = { request: args.request as HttpRequest, context };
      return { response: {}, output: { $metadata: {} } };
    };
    stack.addRelativeTo(capture as never, {
      name: 'draftstoreCaptureRequest',
      relation: 'before',
      toMiddleware: 'awsAuthMiddleware',
      override: true,
    });
    const command = new PutObjectCommand({ Bucket: bucket, Key: PLACEHOLDER });
    await command.resolveMiddleware(stack, client.config, {})({ input: command.input });
    if (captured === undefined) throw new Error('The SDK built no PutObject request.');
    const { request, context } = captured;
    const at = request.path.indexOf(PLACEHOLDER);
    if (at < 0) throw new Error('The PutObject request path does not hold the key.');
    // What getSignedUrl drops: per-call SDK bookkeeping, not part of the upload.
    const headers = { ...request.headers };
    delete headers['amz-sdk-invocation-id'];
    delete headers['amz-sdk-request'];
    delete headers['x-amz-user-agent'];
    const endpoint = context.endpointV2 as
      | {
          properties?: {
            authSchemes?: { name?: string; signingRegion?: string; signingName?: string }[];
          };
        }
      | undefined;
    const scheme = endpoint?.properties?.authSchemes?.[0];
    if (context.s3ExpressIdentity !== undefined || (scheme?.name ?? 'sigv4') !== 'sigv4') {
      return 'unsupported';
    }
    const signingRegion =
      (context.signing_region as string | undefined) ?? scheme?.signingRegion ?? undefined;
    return {
      request: {
        protocol: request.protocol,
        hostname: request.hostname,
        ...(request.port !== undefined && { port: request.port }),
        method: request.method,
        path: request.path,
        query: { ...request.query },
        headers,
      },
      pathBefore: request.path.slice(0, at),
      pathAfter: request.path.slice(at + PLACEHOLDER.length),
      presigner: new S3RequestPresigner({
        ...client.config,
        ...(scheme?.signingName && { signingName: scheme.signingName }),
        ...(signingRegion && { region: async () => signingRegion }),
      }),
      signingRegion,
      signingService: (context.signing_service as string | undefined) ?? scheme?.signingName,
    };
  }
}
