import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { uploadFormRest } from '../contract/operations/upload-form.js';
import { s3FormPresigner } from '../storage/s3-form-presigner.js';
import { restHandler } from './operation-routes.js';

/** POST /api/v1/upload-form: a presigned POST into the draft bucket, for a plain HTML form. */
export const createUploadFormHandler = restHandler(uploadFormRest);

// The only Lambda entry that wires the POST presigner: see ComposeOptions.forms.
export const handler = createUploadFormHandler(() =>
  environmentServices({ forms: s3FormPresigner, usage: composeUsage }),
);
