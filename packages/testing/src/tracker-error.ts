/** Tracker's error body (docs/yandex-api.md 1.5). */
export function trackerError(status: number, messages: string[], errors: Record<string, string> = {}, errorCode?: number): Record<string, unknown> {
  return { errors, errorMessages: messages, statusCode: status, ...(errorCode !== undefined ? { errorCode } : {}) };
}

/** The message of Tracker's 401 (what the Python client shows: `['Not authorized']`, docs/yandex-api.md 4.3). */
export const NOT_AUTHORIZED_MESSAGE = 'Not authorized';
