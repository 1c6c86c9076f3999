/** Who is calling: the owner segment that namespaces every key (see ownerSegment). */
export interface Caller {
  readonly owner: string;
}
