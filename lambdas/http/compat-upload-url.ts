import { environmentServices } from '../compose.js';
import { COMPAT_ROUTE, compatObjectRequest, compatSuccess } from './compat-response.js';
import { jsonRoute } from './http-handler.js';

/** POST /api/v1/draft/upload-url (original DraftStore): `{"result":{"success":true},"url":"..."}`. */
export const createCompatUploadUrlHandler = jsonRoute(
  compatObjectRequest,
  async (input, { caller, services }) => {
    const ticket = await services.drafts.uploadUrl(caller, { objectName: input.object_name });
    return compatSuccess({ url: ticket.url });
  },
  COMPAT_ROUTE,
);

export const handler = createCompatUploadUrlHandler(environmentServices);
