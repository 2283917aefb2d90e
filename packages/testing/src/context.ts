import type { IncomingMessage, ServerResponse } from 'node:http';
import { formToObject, readBody } from './http-util.js';
import { redactFields } from './request-log.js';

/** One request as endpoint handlers see it. */
export class RequestContext {
  private bodyText: Promise<string> | undefined;
  /** Parsed body fields for the request log (redacted when logged). */
  loggedParams: Record<string, unknown> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
  ) {}

  get method(): string {
    return (this.req.method ?? 'GET').toUpperCase();
  }

  /** The raw body, read once. */
  body(): Promise<string> {
    this.bodyText ??= readBody(this.req);
    return this.bodyText;
  }

  /** The form body as URLSearchParams (also noted for the request log). */
  async form(): Promise<URLSearchParams> {
    const params = new URLSearchParams(await this.body());
    this.loggedParams = redactFields(formToObject(params));
    return params;
  }

  /** Notes parsed JSON body fields for the request log. */
  noteJson(value: unknown): void {
    if (value && typeof value === 'object' && !Array.isArray(value)) this.loggedParams = redactFields(value as Record<string, unknown>);
  }
}
