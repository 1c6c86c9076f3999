export {
  DraftStore,
  draftExpirationDays,
  objectConfirmedPattern,
  type DraftStoreFunctionName,
  type DraftStoreProps,
} from './draftstore.js';
export { DraftStoreStack, type DraftStoreStackProps } from './draftstore-stack.js';
