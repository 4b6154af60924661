/**
 * Paint the region to change over the first reference image. The selection
 * layer is a canvas at the image's natural size (so the exported mask has
 * exactly the reference's dimensions); `lib/mask.ts` turns it into the PNG.
 *
 * Keyboard (spec/ui.md §5.3): ⌘/Ctrl+Z undoes and ⇧⌘/Ctrl+Z or ⌘/Ctrl+Y redo
 * anywhere on the visible editor but in text fields; on the focused canvas the
 * arrow keys move a virtual cursor, Space/Enter stamp a dot with the current
 * tool, Delete/Backspace clear and Esc leaves the canvas for the first tool.
 *
 * Tools: brush and eraser strokes, rectangle and ellipse selections drawn as
 * outlines as wide as the brush (they mark a boundary, the inside is left as
 * it was), with a live preview while dragging. The view zooms (8 %–400 %,
 * buttons, ⌘/Ctrl + wheel, Fit) and pans (Pan tool, middle button, held
 * Space outside text fields and the canvas). The brush size is in CSS pixels
 * on screen, so zooming in paints finer; `viewport.ts` maps the pointer to
 * image pixels at any zoom and scroll.
 */
import {
  forwardRef,
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from "react";
import { Icon, type IconName } from "../../components/Icon";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import {
  cursorStart,
  invertSelection,
  moveCursor,
  selectedPixelCount,
  shapeOutline,
  stampDot,
  type Pixels,
  type Point,
  type ShapeKind,
  type ShapeOutline,
} from "../../lib/mask";
import { isApplePlatform } from "../../lib/platform";
import { canvasKeyAction, historyShortcut, isTextField, pointerIntent, spacePans } from "./keys";
import {
  canZoom,
  clampZoom,
  clientToImage,
  fitZoom,
  scrollForPan,
  scrollForZoom,
  stepZoom,
  wheelZoom,
  zoomPercent,
} from "./viewport";

export interface MaskEditorHandle {
  /** The painted selection at the image's natural size, or null before the image loads. */
  selection: () => Pixels | null;
}

export interface MaskEditorProps {
  /** Object URL of the first reference image. */
  src: string;
  /** Identifies the image; each image keeps its own mask while the page is open. */
  imageKey: string;
  alt: string;
  onCoverageChange?: (selectedPixels: number, totalPixels: number) => void;
  /** Where each image's mask is kept; given by the page, the masks outlive this editor
   * (switching to whole-image mode and back keeps them). */
  masks?: Map<string, ImageData>;
}


type Tool = "brush" | "eraser" | ShapeKind;
/** A drag follows the one pointer that started it (`pointerId`); other pointers are ignored. */
type Drag = { pointerId: number; pointerType: string } & (
  | { kind: "paint"; last: Point; before: { undo: ImageData[]; redo: ImageData[]; pixels: ImageData } | null }
  | { kind: "shape"; shape: ShapeKind; from: Point; to: Point; scale: number; square: boolean }
  | { kind: "pan"; pointer: Point; scroll: Point }
);

const PAINT_RGB = [34, 197, 94] as const;
const PAINT = `rgb(${PAINT_RGB.join(", ")})`;
const HISTORY = 30;
/** Space around the image inside the scroll viewport, CSS pixels (matches edit.css). */
const STAGE_PAD = 8;
const DEFAULT_SIZE = { w: 1024, h: 1024 };

/** Stroke a selection outline on a 2D context in the paint colour. */
function traceOutline(g: CanvasRenderingContext2D, o: ShapeOutline) {
  g.save();
  g.globalCompositeOperation = "source-over";
  g.strokeStyle = PAINT;
  g.lineWidth = o.lineWidth;
  g.lineJoin = "miter";
  g.beginPath();
  if (o.kind === "rect") g.rect(o.x, o.y, o.width, o.height);
  else g.ellipse(o.cx, o.cy, o.rx, o.ry, 0, 0, Math.PI * 2);
  g.stroke();
  g.restore();
}

export const MaskEditor = forwardRef<MaskEditorHandle, MaskEditorProps>(function MaskEditor(
  { src, imageKey, alt, onCoverageChange, masks },
  ref,
) {
  const { t } = useI18n();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const previewRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [tool, setTool] = useState<Tool>("brush");
  const [size, setSize] = useState(36);
  const [zoom, setZoom] = useState(1);
  const [panMode, setPanMode] = useState(false);
  const [spaceHeld, setSpaceHeld] = useState(false);
  const [dragKind, setDragKind] = useState<Drag["kind"] | null>(null);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  /** The keyboard's virtual cursor, in image pixels; shown while the canvas has keyboard focus. */
  const [keyAt, setKeyAt] = useState<Point | null>(null);
  const [keyActive, setKeyActive] = useState(false);
  const keysId = useId();
  const mod = isApplePlatform() ? "⌘" : "Ctrl";
  const [, setVersion] = useState(0);
  const undo = useRef<ImageData[]>([]);
  const redo = useRef<ImageData[]>([]);
  const drag = useRef<Drag | null>(null);
  const saved = useRef(masks ?? new Map<string, ImageData>());
  const currentKey = useRef(imageKey);
  /** The key whose image is loaded on the canvas (null until its load event). */
  const loadedKey = useRef<string | null>(null);
  /** The zoom follows the stage's size until the user zooms. */
  const fitted = useRef(true);
  /** Scroll to restore once a new zoom has been laid out. */
  const pendingScroll = useRef<Point | null>(null);
  const zoomRef = useRef(zoom);
  zoomRef.current = zoom;
  const overStage = useRef(false);
  const spaceRef = useRef(false);
  spaceRef.current = spaceHeld;
  const dims = natural ?? DEFAULT_SIZE;
  const dimsRef = useRef(dims);
  dimsRef.current = dims;

  const ctx = () => canvasRef.current?.getContext("2d", { willReadFrequently: true }) ?? null;

  const report = useCallback(() => {
    const c = canvasRef.current;
    const g = ctx();
    if (!c || !g || !c.width) return;
    onCoverageChange?.(selectedPixelCount(g.getImageData(0, 0, c.width, c.height)), c.width * c.height);
    setVersion((v) => v + 1);
  }, [onCoverageChange]);

  useImperativeHandle(ref, () => ({
    selection: () => {
      const c = canvasRef.current;
      const g = ctx();
      if (!c || !g || !natural) return null;
      const data = g.getImageData(0, 0, c.width, c.height);
      return { width: data.width, height: data.height, data: data.data };
    },
  }));

  // Keep each image's mask when the first reference changes. A layout effect
  // runs as the new image is committed, before its load event can resize the
  // canvas and restore the new image's mask, so the mask saved is the old one's.
  useLayoutEffect(() => {
    const c = canvasRef.current;
    const g = ctx();
    if (c && g && c.width && currentKey.current !== imageKey) {
      saved.current.set(currentKey.current, g.getImageData(0, 0, c.width, c.height));
    }
    currentKey.current = imageKey;
    loadedKey.current = null;
    undo.current = [];
    redo.current = [];
    setNatural(null);
    setKeyAt(null);
  }, [imageKey]);

  // Leaving (whole-image mode, another screen's unmount): keep the current image's mask.
  useLayoutEffect(() => {
    const c = canvasRef.current;
    const store = saved.current;
    return () => {
      const g = c?.getContext("2d", { willReadFrequently: true });
      if (c && g && c.width && loadedKey.current === currentKey.current) {
        store.set(currentKey.current, g.getImageData(0, 0, c.width, c.height));
      }
    };
  }, []);

  // --- View: zoom, fit, pan --------------------------------------------------

  const fit = useCallback(() => {
    const v = viewportRef.current;
    if (!v) return;
    fitted.current = true;
    pendingScroll.current = { x: 0, y: 0 };
    const { w, h } = dimsRef.current;
    setZoom(fitZoom({ width: w, height: h }, { width: v.clientWidth - 2 * STAGE_PAD, height: v.clientHeight - 2 * STAGE_PAD }));
  }, []);

  /** Zoom to ``next`` keeping the point ``anchor`` of the viewport (default: its middle) still. */
  const zoomTo = useCallback((next: number, anchor?: Point) => {
    const v = viewportRef.current;
    const to = clampZoom(next);
    if (v) {
      const a = anchor ?? { x: v.clientWidth / 2, y: v.clientHeight / 2 };
      pendingScroll.current = scrollForZoom({ x: v.scrollLeft, y: v.scrollTop }, a, zoomRef.current, to);
    }
    fitted.current = false;
    setZoom(to);
  }, []);

  // Fit on entering region mode and whenever the target image (or its size) changes.
  useLayoutEffect(() => {
    fit();
  }, [fit, natural]);

  useLayoutEffect(() => {
    const v = viewportRef.current;
    const to = pendingScroll.current;
    if (!v || !to) return;
    pendingScroll.current = null;
    v.scrollLeft = to.x;
    v.scrollTop = to.y;
  }, [zoom]);

  // A fitted view follows the stage's size (window resizes, the layout switching columns).
  useEffect(() => {
    const v = viewportRef.current;
    if (!v || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (fitted.current) fit();
    });
    observer.observe(v);
    return () => observer.disconnect();
  }, [fit]);

  // ⌘/Ctrl + wheel zooms about the pointer (a non-passive listener, so the page does not zoom).
  useEffect(() => {
    const v = viewportRef.current;
    if (!v) return;
    const onWheel = (e: WheelEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      const r = v.getBoundingClientRect();
      zoomTo(wheelZoom(zoomRef.current, e.deltaY), { x: e.clientX - r.left, y: e.clientY - r.top });
    };
    v.addEventListener("wheel", onWheel, { passive: false });
    return () => v.removeEventListener("wheel", onWheel);
  }, [zoomTo]);

  // Hold Space to pan, outside text fields and the canvas (where Space stamps).
  useEffect(() => {
    const onDown = (e: KeyboardEvent) => {
      if (e.key !== " " || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const c = canvasRef.current;
      if (!c || c.getClientRects().length === 0) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (target?.closest("dialog, [role='dialog'], [role='alertdialog']")) return;
      const focus = target && {
        tagName: target.tagName,
        type: (target as HTMLInputElement).type,
        isContentEditable: target.isContentEditable,
        role: target.getAttribute("role"),
        isCanvas: target === c,
      };
      if (!spacePans(focus, overStage.current)) return;
      e.preventDefault();
      if (!spaceRef.current) setSpaceHeld(true);
    };
    const onUp = (e: KeyboardEvent) => {
      if (e.key !== " " || !spaceRef.current) return;
      e.preventDefault(); // the Space that panned does not also press a focused button
      setSpaceHeld(false);
    };
    const onBlur = () => setSpaceHeld(false);
    window.addEventListener("keydown", onDown);
    window.addEventListener("keyup", onUp);
    window.addEventListener("blur", onBlur);
    return () => {
      window.removeEventListener("keydown", onDown);
      window.removeEventListener("keyup", onUp);
      window.removeEventListener("blur", onBlur);
    };
  }, []);

  // --- Painting ----------------------------------------------------------------

  const onImageLoad = (img: HTMLImageElement) => {
    const w = img.naturalWidth || 1024;
    const h = img.naturalHeight || 1024;
    const c = canvasRef.current;
    if (!c) return;
    c.width = w;
    c.height = h;
    if (previewRef.current) {
      previewRef.current.width = w;
      previewRef.current.height = h;
    }
    const g = ctx();
    const restore = saved.current.get(imageKey);
    if (g && restore && restore.width === w && restore.height === h) g.putImageData(restore, 0, 0);
    loadedKey.current = imageKey;
    setNatural({ w, h });
    report();
  };

  const snapshot = () => {
    const c = canvasRef.current;
    const g = ctx();
    if (!c || !g) return;
    undo.current = [...undo.current.slice(-(HISTORY - 1)), g.getImageData(0, 0, c.width, c.height)];
    redo.current = [];
  };

  const toCanvas = (e: { clientX: number; clientY: number }) => {
    const c = canvasRef.current!;
    const r = c.getBoundingClientRect();
    return clientToImage(
      { x: e.clientX, y: e.clientY },
      { left: r.left, top: r.top, width: r.width, height: r.height },
      { width: c.width, height: c.height },
    );
  };

  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }, scale: number) => {
    const g = ctx();
    if (!g) return;
    g.save();
    g.globalCompositeOperation = tool === "eraser" ? "destination-out" : "source-over";
    g.strokeStyle = PAINT;
    g.fillStyle = PAINT;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.lineWidth = size * scale;
    g.beginPath();
    g.moveTo(from.x, from.y);
    g.lineTo(to.x, to.y);
    g.stroke();
    g.beginPath();
    g.arc(to.x, to.y, (size * scale) / 2, 0, Math.PI * 2);
    g.fill();
    g.restore();
  };

  const outlineOf = (d: Extract<Drag, { kind: "shape" }>) => shapeOutline(d.shape, d.from, d.to, size * d.scale, d.square);

  /** The shape being dragged, on the preview layer over the selection. */
  const preview = (d: Extract<Drag, { kind: "shape" }> | null) => {
    const p = previewRef.current;
    const g = p?.getContext("2d");
    if (!p || !g) return;
    g.clearRect(0, 0, p.width, p.height);
    const o = d && outlineOf(d);
    if (o) traceOutline(g, o);
  };

  const panning = panMode || spaceHeld;

  /**
   * A second finger during a touch stroke or shape: the first was most likely
   * the start of a gesture, not a mark, so the stroke is taken back (the
   * canvas and history as they were before it) and the shape dropped.
   */
  const abandonDrag = () => {
    const d = drag.current;
    if (!d) return;
    const v = viewportRef.current;
    if (v?.hasPointerCapture?.(d.pointerId)) v.releasePointerCapture(d.pointerId);
    if (d.kind === "paint" && d.before) {
      ctx()?.putImageData(d.before.pixels, 0, 0);
      undo.current = d.before.undo;
      redo.current = d.before.redo;
      drag.current = null;
      setDragKind(null);
      report();
      return;
    }
    endDrag(false);
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    const v = viewportRef.current;
    const current = drag.current;
    if (current) {
      if (current.pointerId !== e.pointerId && e.pointerType === "touch" && current.pointerType === "touch" && current.kind !== "pan") abandonDrag();
      return;
    }
    const intent = pointerIntent(e, tool, panning);
    if (!v || !intent) return;
    const who = { pointerId: e.pointerId, pointerType: e.pointerType };
    if (intent === "pan") {
      e.preventDefault();
      v.setPointerCapture(e.pointerId);
      drag.current = { ...who, kind: "pan", pointer: { x: e.clientX, y: e.clientY }, scroll: { x: v.scrollLeft, y: v.scrollTop } };
      setDragKind("pan");
      return;
    }
    if (!natural || e.target !== canvasRef.current) return;
    setKeyActive(false);
    v.setPointerCapture(e.pointerId);
    const p = toCanvas(e);
    if (intent === "paint") {
      const before = { undo: undo.current, redo: redo.current };
      snapshot();
      const pixels = undo.current.at(-1);
      drag.current = { ...who, kind: "paint", last: p, before: pixels ? { ...before, pixels } : null };
      stroke(p, p, p.scale);
    } else {
      const d = { ...who, kind: "shape" as const, shape: tool as ShapeKind, from: p, to: p, scale: p.scale, square: e.shiftKey };
      drag.current = d;
      preview(d);
    }
    setDragKind(drag.current.kind);
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const wrap = wrapRef.current?.getBoundingClientRect();
    if (wrap) setCursor({ x: e.clientX - wrap.left, y: e.clientY - wrap.top });
    const d = drag.current;
    const v = viewportRef.current;
    if (!d || !v || d.pointerId !== e.pointerId) return;
    if (d.kind === "pan") {
      const to = scrollForPan(d.scroll, d.pointer, { x: e.clientX, y: e.clientY });
      v.scrollLeft = to.x;
      v.scrollTop = to.y;
    } else if (d.kind === "paint") {
      const p = toCanvas(e);
      stroke(d.last, p, p.scale);
      d.last = p;
    } else {
      d.to = toCanvas(e);
      d.square = e.shiftKey;
      preview(d);
    }
  };

  const endDrag = (commit: boolean) => {
    const d = drag.current;
    if (!d) return;
    drag.current = null;
    setDragKind(null);
    if (d.kind === "paint") report();
    if (d.kind !== "shape") return;
    preview(null);
    const o = commit ? outlineOf(d) : null;
    const g = ctx();
    if (!o || !g) return;
    snapshot();
    traceOutline(g, o);
    report();
  };

  const restore = (from: React.MutableRefObject<ImageData[]>, to: React.MutableRefObject<ImageData[]>) => {
    const c = canvasRef.current;
    const g = ctx();
    const state = from.current.at(-1);
    if (!c || !g || !state) return;
    to.current = [...to.current, g.getImageData(0, 0, c.width, c.height)];
    from.current = from.current.slice(0, -1);
    g.putImageData(state, 0, 0);
    report();
  };

  const clear = () => {
    const c = canvasRef.current;
    const g = ctx();
    if (!c || !g) return;
    snapshot();
    g.clearRect(0, 0, c.width, c.height);
    report();
  };

  const invert = () => {
    const c = canvasRef.current;
    const g = ctx();
    if (!c || !g) return;
    snapshot();
    const data = g.getImageData(0, 0, c.width, c.height);
    invertSelection(data, PAINT_RGB);
    g.putImageData(data, 0, 0);
    report();
  };

  /** Canvas pixels per CSS pixel: the brush size is in screen pixels, as under the pointer. */
  const displayScale = () => {
    const c = canvasRef.current;
    const width = c?.getBoundingClientRect().width ?? 0;
    return c && width > 0 ? c.width / width : 1;
  };

  const stampAt = (at: Point) => {
    const c = canvasRef.current;
    const g = ctx();
    if (!c || !g || !natural) return;
    snapshot();
    const data = g.getImageData(0, 0, c.width, c.height);
    // the selection shapes stamp like the brush: a dot marks the spot
    stampDot(data, at, size * displayScale(), tool === "eraser" ? "eraser" : "brush", PAINT_RGB);
    g.putImageData(data, 0, 0);
    report();
  };

  const onCanvasKeyDown = (e: ReactKeyboardEvent<HTMLCanvasElement>) => {
    const action = canvasKeyAction(e);
    const c = canvasRef.current;
    if (!action || !c || !natural) return;
    e.preventDefault();
    setKeyActive(action !== "blur");
    const at = keyAt ?? cursorStart(c.width, c.height);
    if (action === "move") setKeyAt(moveCursor(at, e.key, e.shiftKey, c.width, c.height) ?? at);
    else if (action === "stamp") {
      setKeyAt(at);
      stampAt(at);
    } else if (action === "clear") clear();
    else firstToolRef.current?.focus(); // Esc leaves the canvas for the toolbar's first tool
  };

  // Zoomed in, the keyboard's cursor scrolls the view along with it.
  const keyCursorRef = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (keyActive && keyAt) keyCursorRef.current?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [keyActive, keyAt, zoom]);

  const onCanvasFocus = () => {
    const c = canvasRef.current;
    // a click focuses the canvas too; the virtual cursor is for keyboard focus only
    if (c?.matches(":focus-visible")) {
      setKeyActive(true);
      setKeyAt((at) => at ?? cursorStart(c.width, c.height));
    }
  };

  // Undo and redo from anywhere while the editor is on screen, except in text fields
  // (they keep their own undo) and dialogs over the page.
  const history = useRef({ undo: () => {}, redo: () => {} });
  history.current = { undo: () => historyStep("undo"), redo: () => historyStep("redo") };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = historyShortcut(e);
      const c = canvasRef.current;
      if (!action || e.defaultPrevented || !c || c.getClientRects().length === 0) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (isTextField(target) || target?.closest("dialog, [role='dialog'], [role='alertdialog']")) return;
      e.preventDefault();
      history.current[action]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // A focused button that becomes disabled (Undo with no history left, Zoom in at
  // the limit) hands focus to its partner instead of dropping it to the page.
  const firstToolRef = useRef<HTMLButtonElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const redoRef = useRef<HTMLButtonElement>(null);
  const zoomOutRef = useRef<HTMLButtonElement>(null);
  const zoomInRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useRef<HTMLButtonElement | null>(null);
  const handFocus = (from: React.RefObject<HTMLButtonElement | null>, to: React.RefObject<HTMLButtonElement | null>) => {
    // The partner may itself be disabled until this change renders (Redo before the first undo).
    if (from.current && document.activeElement === from.current) focusAfterRender.current = to.current;
  };
  useLayoutEffect(() => {
    const el = focusAfterRender.current;
    focusAfterRender.current = null;
    el?.focus();
  });
  const zoomStep = (direction: "in" | "out") => {
    const next = clampZoom(stepZoom(zoom, direction));
    zoomTo(next);
    if (!canZoom(next, direction)) handFocus(direction === "in" ? zoomInRef : zoomOutRef, direction === "in" ? zoomOutRef : zoomInRef);
  };
  const historyStep = (which: "undo" | "redo") => {
    if (which === "undo") restore(undo, redo);
    else restore(redo, undo);
    if ((which === "undo" ? undo : redo).current.length === 0) handFocus(which === "undo" ? undoRef : redoRef, which === "undo" ? redoRef : undoRef);
  };

  const toolButton = (id: Tool, icon: IconName, label: string) => (
    <button
      ref={id === "brush" ? firstToolRef : undefined}
      type="button"
      className={cx("tool", tool === id && "is-active")}
      aria-pressed={tool === id}
      onClick={() => setTool(id)}
      title={label}
    >
      <Icon name={icon} size={17} />
      <span className="tool__label">{label}</span>
    </button>
  );

  const brushRing = !panning && (tool === "brush" || tool === "eraser");
  const percent = zoomPercent(zoom);

  return (
    <div className="mask-editor">
      <div className="mask-toolbar" role="toolbar" aria-label={t("mask.toolbar")}>
        {toolButton("brush", "brush", t("mask.brush"))}
        {toolButton("eraser", "eraser", t("mask.eraser"))}
        {toolButton("rect", "rect", t("mask.rect"))}
        {toolButton("ellipse", "ellipse", t("mask.ellipse"))}
        <button
          type="button"
          className={cx("tool", panMode && "is-active")}
          aria-pressed={panMode}
          onClick={() => setPanMode((on) => !on)}
          aria-label={t("mask.pan")}
          title={t("mask.pan_hint")}
        >
          <Icon name="pan" size={17} />
          <span className="tool__label">{t("mask.pan")}</span>
        </button>
        <label className="mask-size">
          <span>{t("mask.size")}</span>
          <input type="range" min={4} max={160} value={size} onChange={(e) => setSize(Number(e.target.value))} className="range" />
          <span className="mask-size__value" aria-hidden="true">
            {size}
          </span>
        </label>
        <span className="mask-toolbar__sep" aria-hidden="true" />
        <button ref={undoRef} type="button" className="tool" onClick={() => historyStep("undo")} disabled={undo.current.length === 0} title={t("mask.undo")}>
          <Icon name="undo" size={17} />
          <span className="tool__label">{t("mask.undo")}</span>
        </button>
        <button ref={redoRef} type="button" className="tool" onClick={() => historyStep("redo")} disabled={redo.current.length === 0} title={t("mask.redo")}>
          <Icon name="redo" size={17} />
          <span className="tool__label">{t("mask.redo")}</span>
        </button>
        <button type="button" className="tool" onClick={invert} title={t("mask.invert")}>
          <Icon name="invert" size={17} />
          <span className="tool__label">{t("mask.invert")}</span>
        </button>
        <button type="button" className="tool" onClick={clear} title={t("mask.clear")}>
          <Icon name="trash" size={17} />
          <span className="tool__label">{t("mask.clear")}</span>
        </button>
        <span className="mask-toolbar__sep" aria-hidden="true" />
        <span className="mask-zoom">
          <button
            type="button"
            ref={zoomOutRef}
            className="tool tool--icon"
            onClick={() => zoomStep("out")}
            disabled={!canZoom(zoom, "out")}
            aria-label={t("mask.zoom_out")}
            title={t("mask.zoom_out")}
          >
            <Icon name="zoomOut" size={17} />
          </button>
          <span className="mask-zoom__value" data-testid="mask-zoom">
            <span className="visually-hidden">{t("mask.zoom")} </span>
            {percent}%
          </span>
          <button
            type="button"
            ref={zoomInRef}
            className="tool tool--icon"
            onClick={() => zoomStep("in")}
            disabled={!canZoom(zoom, "in")}
            aria-label={t("mask.zoom_in")}
            title={t("mask.zoom_in")}
          >
            <Icon name="zoomIn" size={17} />
          </button>
          <button type="button" className="tool" onClick={fit} title={t("mask.fit")}>
            <Icon name="fit" size={17} />
            <span className="tool__label">{t("mask.fit")}</span>
          </button>
        </span>
      </div>
      <div
        ref={viewportRef}
        className={cx(
          "mask-stage mask-viewport checkerboard",
          panning && "is-pan",
          dragKind === "pan" && "is-panning",
          (tool === "rect" || tool === "ellipse") && "is-shape",
        )}
        data-testid="mask-viewport"
        style={{ aspectRatio: `${dims.w} / ${dims.h}` }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={(e) => {
          if (drag.current?.pointerId === e.pointerId) endDrag(true);
        }}
        onPointerCancel={(e) => {
          if (drag.current?.pointerId === e.pointerId) endDrag(false);
        }}
        onPointerEnter={() => {
          overStage.current = true;
        }}
        onPointerLeave={() => {
          overStage.current = false;
          setCursor(null);
        }}
        onMouseDown={(e) => {
          if (e.button === 1) e.preventDefault(); // no autoscroll or paste: the middle button pans
        }}
      >
        <div className="mask-viewport__content">
          <div
            ref={wrapRef}
            className="mask-stage__inner"
            style={{ width: dims.w * zoom, height: dims.h * zoom }}
            data-zoom={zoom}
          >
            <img src={src} alt={alt} draggable={false} onLoad={(e) => onImageLoad(e.currentTarget)} />
            <canvas
              ref={canvasRef}
              className={cx("mask-canvas", tool === "eraser" && "is-eraser")}
              width={1024}
              height={1024}
              tabIndex={0}
              role="application"
              aria-label={t("mask.canvas_label")}
              aria-describedby={keysId}
              aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Space Enter Delete Backspace Escape"
              data-testid="mask-canvas"
              onKeyDown={onCanvasKeyDown}
              onFocus={onCanvasFocus}
              onBlur={() => setKeyActive(false)}
            />
            <canvas
              ref={previewRef}
              className="mask-canvas mask-canvas--preview"
              width={1024}
              height={1024}
              aria-hidden="true"
              data-testid="mask-preview"
            />
            {cursor && brushRing ? (
              <span
                className="mask-cursor"
                aria-hidden="true"
                style={{ left: cursor.x, top: cursor.y, width: size, height: size }}
              />
            ) : null}
            {keyActive && keyAt && natural ? (
              <span
                ref={keyCursorRef}
                className="mask-cursor mask-cursor--key"
                aria-hidden="true"
                data-testid="mask-key-cursor"
                data-x={keyAt.x}
                data-y={keyAt.y}
                style={{
                  left: `${((keyAt.x + 0.5) / natural.w) * 100}%`,
                  top: `${((keyAt.y + 0.5) / natural.h) * 100}%`,
                  width: size,
                  height: size,
                }}
              />
            ) : null}
          </div>
        </div>
      </div>
      <p id={keysId} className={keyActive ? "mask-editor__keys" : "visually-hidden"}>
        {t("mask.canvas_keys", { mod })} {t("mask.view_keys", { mod })}
      </p>
      {natural ? (
        <p className="mask-editor__note">{t("mask.note", { width: natural.w, height: natural.h })}</p>
      ) : null}
    </div>
  );
});
