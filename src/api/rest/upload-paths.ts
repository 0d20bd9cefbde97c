/**
 * OpenAPI entries of the two streamed multipart routes, which are not tRPC
 * procedures (trpc-to-openapi has no multipart support).
 */
export const UPLOAD_PATHS = {};
