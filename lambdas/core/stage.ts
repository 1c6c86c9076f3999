/** The two stages an object passes through: uploaded into `draft`, confirmed into `main`. */
export type Stage = 'draft' | 'main';

/** The bucket that holds each stage. */
export interface Buckets {
  readonly draft: string;
  readonly main: string;
}
