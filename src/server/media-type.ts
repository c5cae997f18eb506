/**
 * Media types (`Content-Type`) and `Content-Disposition` values, read as RFC 9110 §5.6 and RFC 6266
 * write them: `value *( OWS ";" OWS name "=" ( token / quoted-string ) )`. Anything else is refused
 * rather than guessed at, so the proxy never reads a header differently from the server behind it
 * (a `; boundary=` inside a quoted parameter, a parameter given twice, `name*=` beside `name=`).
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface HeaderValue {
  /** The value before the parameters, lower-cased (`multipart/form-data`, `form-data`). */
  value: string;
  /** Parameters by lower-cased name; each name at most once. */
  params: Map<string, string>;
}

/**
 * Parses `value; name=token; name="quoted"`. Returns a reason instead when the header is not exactly
 * that: a quoted-pair (`\x`) is refused too, since parsers disagree on it and no field name needs it.
 */
export function parseHeaderValue(text: string): HeaderValue | string {
  let i = 0;
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < text.length && TOKEN.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  skipSpace();
  let value = readToken();
  if (text[i] === '/') {
    i++;
    const sub = readToken();
    if (!value || !sub) return 'the value is not type/subtype';
    value = `${value}/${sub}`;
  }
  if (!value) return 'the value is missing';
  const params = new Map<string, string>();
  for (;;) {
    skipSpace();
    if (i === text.length) return {value: value.toLowerCase(), params};
    if (text[i] !== ';') return `unexpected ${JSON.stringify(text[i])} after ${JSON.stringify(text.slice(0, i))}`;
    i++;
    skipSpace();
    const name = readToken().toLowerCase();
    if (!name || text[i] !== '=') return `a parameter is not name=value near ${JSON.stringify(text.slice(0, i + 1))}`;
    i++;
    let param: string;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1) return `parameter ${name}: unterminated quoted string`;
      param = text.slice(i + 1, end);
      if (param.includes('\\')) return `parameter ${name}: a backslash (quoted-pair) is ambiguous`;
      if (/[\x00-\x08\x0a-\x1f\x7f]/.test(param)) return `parameter ${name}: control characters`;
      i = end + 1;
    } else {
      param = readToken();
      if (!param) return `parameter ${name}: empty or not a token`;
    }
    if (params.has(name)) return `parameter ${name} is given twice`;
    params.set(name, param);
  }
}

/** RFC 2046 bchars without the space: 1 to 70 of them. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/;

/** The boundary of a `multipart/form-data` Content-Type, or the reason it is refused. */
export function formBoundary(contentType: string | null): {boundary: string} | {refusal: string} {
  if (!contentType) return {refusal: 'Content-Type is missing: expected multipart/form-data with a boundary'};
  const parsed = parseHeaderValue(contentType);
  if (typeof parsed === 'string') return {refusal: `Content-Type: ${parsed}`};
  if (parsed.value !== 'multipart/form-data') return {refusal: `Content-Type is ${parsed.value}, expected multipart/form-data`};
  const boundary = parsed.params.get('boundary');
  if (parsed.params.size !== 1 || boundary === undefined) return {refusal: 'Content-Type: multipart/form-data takes exactly one parameter, boundary'};
  if (!BOUNDARY.test(boundary)) return {refusal: 'Content-Type: the boundary must be 1 to 70 of RFC 2046\'s characters'};
  return {boundary};
}

/** True for `application/json`, alone or with `charset=utf-8`. */
export function isJsonType(contentType: string | null): boolean {
  if (!contentType) return false;
  const parsed = parseHeaderValue(contentType);
  if (typeof parsed === 'string' || parsed.value !== 'application/json') return false;
  for (const [name, value] of parsed.params) if (name !== 'charset' || value.toLowerCase() !== 'utf-8') return false;
  return true;
}
