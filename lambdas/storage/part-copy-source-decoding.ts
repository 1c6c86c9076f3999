import type { S3Client } from '@aws-sdk/client-s3';

/** Asks the store whether UploadPartCopy decodes its copy source twice: see part-copy-source-probe.ts. */
export type PartCopySourceProbe = (client: S3Client, bucket: string) => Promise<boolean>;

/**
 * Whether to encode UploadPartCopy's copy source twice, for one endpoint: as the setting
 * says (S3_PART_COPY_SOURCE_DECODED_TWICE), or else as a probe answers, once, on the first
 * part copy. A probe that fails is not kept: that copy fails with it, and the next one
 * probes again.
 */
export class PartCopySourceDecoding {
  #answer: Promise<boolean> | undefined;

  constructor(
    private readonly client: S3Client,
    /** true or false: no probe. A probe: ask the store. */
    private readonly setting: boolean | PartCopySourceProbe,
  ) {}

  async decodedTwice(bucket: string): Promise<boolean> {
    if (typeof this.setting === 'boolean') return this.setting;
    const answer = (this.#answer ??= this.setting(this.client, bucket));
    try {
      return await answer;
    } catch (error) {
      if (this.#answer === answer) this.#answer = undefined;
      throw error;
    }
  }
}
