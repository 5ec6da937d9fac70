/**
 * Errors the victim API answers with: an HTTP status, a stable code for programs and a message
 * for people that says what is wrong and what is expected. The body is `{ error, message, … }`.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    /** Machine-readable reason, e.g. "invalid_request", "budget_exhausted". */
    readonly code: string,
    message: string,
    /** More fields for the body (e.g. queries_left). */
    readonly extra: Record<string, unknown> = {},
    /** Response headers (e.g. WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  body(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

/** 400: the request is malformed; the message says how. */
export const badRequest = (message: string): ApiError => new ApiError(400, "invalid_request", message);
