/**
 * A JSON request body as the proxy forwards it: an object, only the keys the endpoint takes, the
 * pinned folder checked, re-serialised so the upstream reads exactly what was checked (no duplicate
 * keys, no escapes spelling a key differently).
 */
import type {EndpointRule} from './endpoints.ts';

/** Printable ASCII only: anything else may be folded onto an ASCII key by the upstream's decoder. */
const ASCII_KEY = /^[\x20-\x7e]+$/;

export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The body to forward, or a {@link JsonBodyError}. `pinRefusal(value)` says why a pinned field's value
 * is refused (or undefined to accept); it is not called when the rule has no active pin.
 */
export function checkedJson(text: string, rule: EndpointRule, pinRefusal?: (value: unknown) => string | undefined): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new JsonBodyError('the request body is not JSON', 400);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new JsonBodyError('the request body must be a JSON object', 400);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!ASCII_KEY.test(key)) throw new JsonBodyError(`key ${JSON.stringify(key)} is not plain ASCII`, 403);
    if (!rule.fields) {
      out[key] = value;
      continue;
    }
    if (rule.fields.includes(key)) {
      out[key] = value;
      continue;
    }
    // 123pan may read keys case-insensitively (Go's encoding/json does): another spelling is an attempt.
    const meant = rule.fields.find((field) => field.toLowerCase() === key.toLowerCase());
    if (meant) throw new JsonBodyError(`key ${JSON.stringify(key)} is another spelling of ${meant}`, 403);
    // Anything else is not forwarded.
  }
  if (rule.pin && pinRefusal) {
    const refusal = pinRefusal(out[rule.pin.field]);
    if (refusal) throw new JsonBodyError(refusal, 403);
  }
  return JSON.stringify(out);
}
