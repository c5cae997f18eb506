/**
 * Watches every XMLHttpRequest the page sends (the engine's uploads): when it went, when and how it ended.
 * msw in the browser never passes an abort on to the emulator, so whether a request was abandoned can only
 * be seen here, on the client.
 */
/** Times are performance.now(): finer than a millisecond, so an answer just before a click sorts before it. */
export interface XhrRecord {
  method: string;
  url: string;
  sentAt: number;
  endedAt?: number;
  how?: 'load' | 'abort' | 'error' | 'timeout';
}

export function watchXhr(): {records: XhrRecord[]; stop(): void} {
  const records: XhrRecord[] = [];
  const proto = XMLHttpRequest.prototype;
  const {open, send} = proto;
  const opened = new WeakMap<XMLHttpRequest, {method: string; url: string}>();
  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    opened.set(this, {method, url: String(url)});
    return (open as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;
  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const record: XhrRecord = {...opened.get(this)!, sentAt: performance.now()};
    records.push(record);
    for (const how of ['load', 'abort', 'error', 'timeout'] as const) {
      this.addEventListener(how, () => {
        record.endedAt ??= performance.now();
        record.how ??= how;
      });
    }
    return send.call(this, body);
  };
  return {
    records,
    stop() {
      proto.open = open;
      proto.send = send;
    },
  };
}
