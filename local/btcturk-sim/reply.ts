// Response values and the venue's bodies (BTCTURK_API.md 4): the success envelope, 400 rejections with
// httpStatusCode (as captured 2020-2024), and bodies copied from the fixtures where they differ.
import { type JsonValue, jsonText } from './json-text';

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const json = (status: number, value: JsonValue, headers?: Record<string, string>): Reply => ({
  status,
  body: jsonText(value),
  ...(headers ? { headers } : {}),
});

/** `{success:true, message, code:0, data}`; the key order follows the captures (data last for orders) */
export const ok = (data: JsonValue | undefined, message: string | null = null): Reply =>
  json(200, data === undefined ? { success: true, message, code: 0 } : { success: true, message, code: 0, data });

/** Business rejection: HTTP 400 with the token, numeric code and httpStatusCode (fixtures captured_rest_error_*) */
export const rejected = (message: string, code: number): Reply =>
  json(400, { httpStatusCode: 400, data: null, success: false, message, code });

/** 400 without httpStatusCode: the cancel (1052) and single-order (1152) bodies were captured in this shape */
export const plainError = (message: string, code: number): Reply => json(400, { success: false, message, code });

/** 401: the invalid-nonce body really says success:true (captured_rest_error_invalid_nonce_1037.json) */
export const invalidNonce = (): Reply =>
  json(401, { success: true, message: 'Unauthorized - Invalid Nonce', code: 1037 });

/** Other auth failures carry no documented code; the simulator uses the HTTP status as code, as the 429 body does */
export const unauthorized = (message: string): Reply => json(401, { success: false, message, code: 401 });

export const notFound = (): Reply => json(404, { success: false, message: 'Not Found', code: 404 });
export const methodNotAllowed = (): Reply => json(405, { success: false, message: 'Method Not Allowed', code: 405 });

/** Gateway-style 5xx with a text body, as a CDN in front of the API sends it */
export const serverError = (status: number): Reply => ({
  status,
  body: `${status} ${status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Internal Server Error'}`,
  contentType: 'text/plain; charset=utf-8',
});
