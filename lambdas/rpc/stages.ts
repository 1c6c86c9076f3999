import { DraftError } from '../core/errors.js';
import type { Stage as DomainStage } from '../core/stage.js';
import { Stage } from '../gen/draft/v1/draft_pb.js';

const STAGES: Readonly<Record<number, DomainStage>> = {
  [Stage.DRAFT]: 'draft',
  [Stage.MAIN]: 'main',
};

/** The domain's stage a draft.v1 Stage names, if any. */
export const domainStageOf = (stage: Stage): DomainStage | undefined => STAGES[stage];

/** The stage of the newer RPCs: STAGE_UNSPECIFIED is `unspecified`, refused when that is undefined. */
export const bucketStage = (stage: Stage, unspecified: DomainStage | undefined): DomainStage => {
  const known = stage === Stage.UNSPECIFIED ? unspecified : STAGES[stage];
  if (known === undefined) throw new DraftError('invalid_request', 'stage: must be DRAFT or MAIN');
  return known;
};

export const wireStage = (stage: DomainStage): Stage =>
  stage === 'main' ? Stage.MAIN : Stage.DRAFT;
