/**
 * A window over a long list: only the rows in view, and a few lines either side, are in the DOM; an empty item
 * above and one below (hidden from assistive technology) stand for the others, so the scroll bar, the page's scrolling and Tab from row to row behave as in
 * the full list. Rows are taken to be one height (the mean of those rendered) in as many columns as the layout
 * shows (the grid's columns follow the element's width). Loaded with the first list long enough to need it, as is
 * the adding of a big drop in slices.
 *
 * Our own rather than @lit-labs/virtualizer: this is 2.5 KB gzip against its 8.3 KB (9.8 KB with its grid layout),
 * and it places rows absolutely, where the three layouts here are CSS flex and grid under container queries.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {FileWithPath, UploadTask} from '../../core/types.ts';

/** Rows rendered beyond those in view, on each side (whole lines, at least one): Tab always finds the next row there. */
const OVERSCAN = 4;
/** A focused row stays rendered while at most this many rows out of view (beyond, it goes, as would any). */
const KEEP_FOCUSED = 60;
/** A fast scroll whose window stayed put this many frames has stopped: the rows in view get their previews. */
const STILL_FRAMES = 3;
/** Main-thread time one slice of a big add may take before the page gets a turn. */
const SLICE_MS = 8;
/**
 * Files the first slice of a big add takes whatever the time: more than a list holds before the component windows
 * it (200), so that the first render is already a window. Were a slow first slice to stop short of that, the render
 * between slices would make every row of the list at once, a 300 ms task on a loaded machine.
 */
const FIRST_SLICE = 300;

/** The rows to render: tasks[start] to tasks[end - 1]. */
export interface ListWindow {
  start: number;
  end: number;
}

/** The window a render shows. */
export interface ShownWindow extends ListWindow {
  /** No row of the last window is in this one: a fast scroll, whose rows are not worth a preview yet. */
  fast: boolean;
  /** The key of a file's row: Lit's repeat reuses the row of a file that left for one that came (see `assign`). */
  key(id: string): string | number;
}

/** The previews of the rows: those of files out of view (beyond a margin) are released. */
export interface Previews {
  /** Keeps the previews of these files only. */
  prune(tasks: readonly UploadTask[]): void;
}

export class VirtualList implements ReactiveController {
  /** Pixels from one line of rows to the next (gap included), measured once rows are rendered. */
  private stride = 0;
  private columns = 1;
  /** The rows rendered, and the heights standing for the lines above and below them. */
  private shown: ListWindow & {before: number; after: number} = {start: 0, end: 0, before: 0, after: 0};
  private tasks: readonly UploadTask[] = [];
  private count = 0;
  private active = false;
  /** The row holding the focus (or about to): kept in the window while near. */
  private kept?: string;
  private keptIndex = -1;
  private frame = 0;
  /** Frames left until a fast scroll counts as stopped (0: none is being watched). */
  private still = 0;
  /** The last window rendered came with a fast scroll: its rows have no previews yet. */
  private fast = false;
  /** The list's scroll position the window was computed for. */
  private scrolledTo?: number;
  private list?: HTMLElement;
  private adding: Promise<unknown> = Promise.resolve();
  private readonly spacers = [spacer(), spacer()] as const;
  /** The files of the rows rendered, in order, and the key of each one's row. */
  private ids: string[] = [];
  private slots = new Map<string, string | number>();
  private slotCount = 0;
  private gap = 0;
  /** A new list, width or layout: the rows are measured again. */
  private stale = true;
  private layout: string | null = null;
  /** The rows last numbered and measured. */
  private placed = '';
  /** The list's width when last measured: a new width (or layout) may change the rows' height and the columns. */
  private width = -1;
  private readonly resize = new ResizeObserver(() => {
    if (this.list && this.list.clientWidth !== this.width) this.stale = true;
    this.schedule();
  });
  private readonly onScroll = () => this.schedule();
  private readonly onFocus = (event: FocusEvent) => {
    const row = (event.target as Element).closest?.('[data-id]');
    this.kept = row?.getAttribute('data-id') ?? undefined;
  };
  private readonly onBlur = (event: FocusEvent) => {
    if (!this.list?.contains(event.relatedTarget as Node | null)) this.kept = undefined;
  };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly previews: Previews,
    /** Renders the list's window again, and nothing else (the rows in view changed: a scroll, a resize). */
    private readonly moved: () => void,
  ) {
    host.addController(this);
  }

  /** The rows to render for this list; called by every render of a list long enough for a window. */
  window(tasks: readonly UploadTask[]): ShownWindow {
    this.active = true;
    this.tasks = tasks;
    this.count = tasks.length;
    this.keptIndex = this.kept === undefined ? -1 : tasks.findIndex((task) => task.id === this.kept);
    const last = this.shown;
    // The viewport is read once: both windows below are of the same scroll position.
    const view = this.viewport();
    const inView = this.compute(view, 0);
    // A fast scroll (none of the rows now in view was rendered before) swaps every row each frame: it renders the rows
    // in view only, as rows beyond them would be swapped before they are ever seen (a grid: 12 tiles a frame, not 20).
    // The overscan comes back with the render once the window stays put.
    const fast = last.end > last.start && (inView.start >= last.end || inView.end <= last.start);
    this.shown = fast ? inView : this.compute(view, OVERSCAN);
    const {start, end} = this.shown;
    this.fast = fast;
    if (fast) this.watchStill();
    this.assign(tasks.slice(start, end).map((task) => task.id));
    // Sized now, in the same task as the rows that Lit is about to swap: were the list laid out in between with the
    // old spacers and fewer rows, WebKit would clamp its scroll position to the shorter list.
    this.place();
    return {start, end, fast, key: (id) => this.slots.get(id)!};
  }

  /**
   * Rows that stay keep their key; a file coming in takes the key of one going out, so its row is updated in place
   * rather than made anew (a fast scroll swaps every row each frame). Paired so that Lit's repeat moves only the
   * reused rows, never one that stays (a move would take the focus off it): those coming in below take the keys of
   * those going out above, the lowest the first; those coming in above take those going out below. The focused
   * file's key is never given to another. The first window's rows are keyed by their files' ids, as a short list's
   * are: a list growing long keeps its rows (and the focus in one).
   */
  private assign(ids: string[]): void {
    const {slots, kept} = this;
    const inside = new Set(ids);
    const staying = ids.find((id) => slots.has(id));
    const cut = staying === undefined ? Infinity : this.ids.indexOf(staying);
    const above: (string | number)[] = [];
    const below: (string | number)[] = [];
    this.ids.forEach((id, i) => {
      if (!inside.has(id) && id !== kept) (i < cut ? above : below).push(slots.get(id)!);
    });
    const next = new Map<string, string | number>();
    if (staying === undefined) ids.forEach((id, i) => next.set(id, above[i] ?? (this.ids.length ? this.slotCount++ : id)));
    else {
      const at = ids.indexOf(staying);
      for (let i = ids.length; i-- > 0; ) {
        const id = ids[i]!;
        next.set(id, slots.get(id) ?? (i < at ? below : above).shift() ?? this.slotCount++);
      }
    }
    this.ids = ids;
    this.slots = next;
  }

  /** The list renders every row again (it became short). */
  off(): void {
    if (!this.active) return;
    this.active = false;
    this.ids = [];
    this.slots = new Map();
    const list = this.list;
    if (!list) return;
    for (const spacer of this.spacers) spacer.remove();
    for (const row of this.rows()) {
      row.removeAttribute('aria-posinset');
      row.removeAttribute('aria-setsize');
    }
  }

  /** Scrolls the row of this task into view (a keyboard move to Home or End), rendering it first. */
  async reveal(id: string): Promise<void> {
    const list = this.list;
    if (!this.active || !list) return;
    const index = this.tasks.findIndex((task) => task.id === id);
    this.kept = id;
    const find = () => list.querySelector(`[data-id="${CSS.escape(id)}"]`);
    if (!find()) {
      // Scroll to where the row will be, then render the window there.
      const y = Math.floor(index / this.columns) * (this.stride || 64);
      if (list.scrollHeight > list.clientHeight) list.scrollTop = y - list.clientHeight / 2;
      else scrollBy(0, list.getBoundingClientRect().top + y - innerHeight / 2);
      this.host.requestUpdate();
      await this.host.updateComplete;
    }
    find()?.scrollIntoView({block: 'nearest'});
  }

  /**
   * Adds a big drop or pick in slices of a few milliseconds each, so the page keeps painting and answering while
   * 10,000 files join. Adds run one after the other; `signal` (clearing the list) stops the rest.
   */
  add(files: readonly FileWithPath[], add: (files: FileWithPath[]) => {added: unknown[]}, signal: AbortSignal): Promise<number> {
    const run = this.adding.then(async () => {
      let added = 0;
      let at = 0;
      while (at < files.length && !signal.aborted) {
        const started = performance.now();
        while (at < files.length && (performance.now() - started < SLICE_MS || at < FIRST_SLICE)) {
          added += add(files.slice(at, at + 100)).added.length;
          at += 100;
        }
        if (at < files.length) await new Promise((resolve) => setTimeout(resolve));
      }
      return added;
    });
    this.adding = run.catch(() => undefined);
    return run;
  }

  hostUpdated(): void {
    const list = this.host.shadowRoot?.querySelector<HTMLElement>('[part~="list"]') ?? undefined;
    if (list !== this.list) {
      this.list?.removeEventListener('focusin', this.onFocus);
      this.list?.removeEventListener('focusout', this.onBlur);
      this.list?.removeEventListener('scroll', this.onScroll);
      if (this.list) this.resize.unobserve(this.list);
      this.list = list;
      if (list) {
        list.addEventListener('focusin', this.onFocus);
        list.addEventListener('focusout', this.onBlur);
        // Its own scrolling: a scroll event inside the shadow root does not reach the window.
        list.addEventListener('scroll', this.onScroll, {passive: true});
        this.resize.observe(list);
        // The window keeps its own place; the browser's scroll anchoring would fight it.
        list.style.overflowAnchor = 'none';
        this.stale = true;
      }
    }
    if (!list || !this.active) return;
    // Added to the element's styles, again after anything that set them anew (list editing's do when they load).
    const root = this.host.shadowRoot!;
    const sheets = root.adoptedStyleSheets;
    if (sheets && !sheets.includes(rowStyles)) root.adoptedStyleSheets = [...sheets, rowStyles];
    // Items, not the list's padding: padding would add to the list's max-height. Lit leaves nodes outside its
    // own markers alone, so they stay first and last.
    const [head, tail] = this.spacers;
    if (head.parentNode !== list) list.prepend(head);
    if (tail.parentNode !== list || list.lastElementChild !== tail) list.append(tail);
    // The gap between lines, which the spacers leave out: read once per list, size and layout (a style read costs a recalc).
    const layout = this.host.getAttribute('layout');
    if (layout !== this.layout) this.stale = true;
    if (this.stale) this.gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    this.layout = layout;
    this.place();
    // Where the window was computed for: WebKit's scroll anchoring (which overflow-anchor does not turn off there)
    // moves the list as rows are swapped; the place the user scrolled to is kept.
    if (this.scrolledTo !== undefined && Math.abs(list.scrollTop - this.scrolledTo) >= 1) list.scrollTop = this.scrolledTo;
    const start = this.shown.start;
    const rows = this.rows();
    // Progress alone (the same rows in the same places) needs no measuring: no layout forced for it.
    const key = `${this.count}:${start}:${rows.map((row) => row.dataset.id).join()}`;
    if (key === this.placed && !this.stale) return;
    this.placed = key;
    rows.forEach((row, i) => {
      row.setAttribute('aria-posinset', String(start + i + 1));
      row.setAttribute('aria-setsize', String(this.count));
    });
    this.measure(rows);
    const {start: from, end: to} = this.margin();
    this.previews.prune(this.tasks.slice(from, to));
    this.schedule();
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.frame);
    this.still = 0;
    this.frame = 0;
    removeEventListener('scroll', this.onScroll, true);
    removeEventListener('resize', this.onScroll);
    this.resize.disconnect();
    this.list = undefined;
  }

  hostConnected(): void {
    // Capturing: the page's scrolling, or any scrolling box of the page around the element.
    addEventListener('scroll', this.onScroll, {capture: true, passive: true});
    addEventListener('resize', this.onScroll, {passive: true});
  }

  /** The spacers' heights for the window. */
  private place(): void {
    const [head, tail] = this.spacers;
    if (!head.parentNode) return;
    const {before, after} = this.shown;
    head.hidden = before === 0;
    head.style.height = `${Math.max(0, before - this.gap)}px`;
    tail.hidden = after === 0;
    tail.style.height = `${Math.max(0, after - this.gap)}px`;
  }

  /**
   * Once the window has stayed put a few frames after a fast scroll, renders it again, with previews. Counted in
   * frames, not time: a slow machine's frames may be far apart while the list still flies.
   */
  private watchStill(): void {
    const watching = this.still > 0;
    this.still = STILL_FRAMES;
    if (watching) return;
    let {start} = this.shown;
    const tick = () => {
      if (!this.still || !this.active) return void (this.still = 0);
      if (this.shown.start !== start) {
        start = this.shown.start;
        this.still = STILL_FRAMES;
      } else if (--this.still === 0) {
        // Unless a render since (progress) already brought them.
        if (this.fast) this.moved();
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  /** Once a frame at most: renders again when the rows in view are no longer those rendered. */
  private schedule(): void {
    if (this.frame || !this.active) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.active) return;
      this.measure(this.rows());
      const next = this.compute();
      if (next.start !== this.shown.start || next.end !== this.shown.end) this.moved();
    });
  }

  /**
   * Lines and columns from the rows rendered: the grid's columns are the rows sharing the first one's top. Taken
   * once per width and layout, and again only when the rows drift far from it: a row that finishes loses its
   * progress bar, and re-measuring for each would move every row below by a little, a far one by a screenful.
   */
  private measure(rows: HTMLElement[]): void {
    if (rows.length < 2 || !this.list) return;
    const tops = rows.map((row) => row.getBoundingClientRect().top);
    let columns = 1;
    while (columns < tops.length && Math.abs(tops[columns]! - tops[0]!) < 1) columns++;
    const lines = Math.floor((rows.length - 1) / columns);
    if (columns === rows.length || lines < 1) return;
    const stride = (tops[lines * columns]! - tops[0]!) / lines;
    const width = this.list.clientWidth;
    const fresh = !this.stride || this.stale;
    this.stale = false;
    if (!fresh && columns === this.columns && Math.abs(stride - this.stride) <= this.stride / 4) return;
    // The row at the top of the view stays there.
    const list = this.list;
    if (this.stride && list.scrollHeight > list.clientHeight) {
      const index = (list.scrollTop / this.stride) * this.columns;
      list.scrollTop = (index / columns) * stride;
    }
    this.width = width;
    this.columns = columns;
    this.stride = stride;
  }

  /** The part of the list the viewport shows, in pixels from the list's top, at its scroll position now. */
  private viewport(): {top: number; bottom: number} {
    const list = this.list;
    this.scrolledTo = list?.scrollTop;
    if (!list) return {top: 0, bottom: innerHeight};
    const box = list.getBoundingClientRect();
    const top = list.scrollTop + Math.max(0, -box.top);
    const bottom = list.scrollTop + Math.min(list.clientHeight, innerHeight - box.top);
    // Off screen (or not laid out): render what its own scroll position shows.
    return {top, bottom: bottom > top ? bottom : top + Math.min(list.clientHeight || innerHeight, innerHeight)};
  }

  /** The window for the part of the list the viewport shows (`view`), `overscanRows` rows beyond it either side. */
  private compute({top, bottom}: {top: number; bottom: number} = this.viewport(), overscanRows = OVERSCAN): ListWindow & {before: number; after: number} {
    const stride = this.stride || 64;
    const columns = this.columns;
    const lines = Math.ceil(this.count / columns);
    const overscan = Math.ceil(overscanRows / columns);
    let first = Math.max(0, Math.floor(top / stride) - overscan);
    let last = Math.min(lines, Math.ceil(bottom / stride) + overscan);
    if (this.keptIndex >= 0) {
      const line = Math.floor(this.keptIndex / columns);
      const keep = Math.ceil(KEEP_FOCUSED / columns);
      if (line < first && first - line <= keep) first = line;
      if (line >= last && line - last < keep) last = line + 1;
    }
    last = Math.max(first + 1, last);
    return {start: Math.min(this.count, first * columns), end: Math.min(this.count, last * columns), before: first * stride, after: Math.max(0, lines - last) * stride};
  }

  /** The window and as much again either side: previews beyond it are released. */
  private margin(): ListWindow {
    const {start, end} = this.shown;
    const span = end - start;
    return {start: Math.max(0, start - span), end: end + span};
  }

  private rows(): HTMLElement[] {
    return this.list ? [...this.list.querySelectorAll<HTMLElement>(':scope > [part~="item"]')] : [];
  }
}

/**
 * Each row of a long list contained (layout, paint, style): what changes inside a row is laid out and painted
 * within it, so a scroll that swaps every row's content does not lay out and repaint the list around them.
 * Measured in a traced bench:list, per scrolled frame: layout 2.8–4.1 → 1.9–2.5 ms, paint 2.6–3.3 → 1.4–1.7 ms,
 * pre-paint 1.4–1.8 → 0.5–0.7 ms. Nothing in a row draws outside it (focus rings stay inside its padding).
 */
const rowStyles = new CSSStyleSheet();
rowStyles.replaceSync(`[part~='list'] > [part~='item'] { contain: content; }`);

function spacer(): HTMLElement {
  const item = document.createElement('li');
  item.setAttribute('aria-hidden', 'true');
  // A whole line of the grid layout; in the list's column, a flex item would shrink to nothing.
  item.style.gridColumn = '1 / -1';
  item.style.flexShrink = '0';
  return item;
}
