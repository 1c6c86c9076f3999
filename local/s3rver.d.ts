declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<unknown>;
    /** Koa's middleware stack. */
    middleware: ((context: never, next: () => Promise<unknown>) => Promise<unknown>)[];
    close(): Promise<unknown>;
  }
}
