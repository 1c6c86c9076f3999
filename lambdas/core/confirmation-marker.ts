/**
 * User metadata written on every confirmed object: the ETag of the draft it came from.
 * It tells a retried confirm apart from a name that was never uploaded, and tells a
 * retry after a crash between copy and delete that the copy already happened.
 */
export const CONFIRMED_FROM_METADATA = 'draftstore-confirmed-from';
