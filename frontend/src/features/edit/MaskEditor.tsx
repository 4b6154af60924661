/**
 * Paint the region to change over the first reference image. The selection
 * layer is a canvas at the image's natural size (so the exported mask has
 * exactly the reference's dimensions); `lib/mask.ts` turns it into the PNG.
 *
 * Keyboard (spec/ui.md §5.3): ⌘/Ctrl+Z undoes and ⇧⌘/Ctrl+Z or ⌘/Ctrl+Y redo
 * anywhere on the visible editor but in text fields; on the focused canvas the
 * arrow keys move a virtual cursor, Space/Enter stamp a dot with the current
 * tool, Delete/Backspace clear and Esc leaves the canvas.
 */
import {
  forwardRef,
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type PointerEvent as ReactPointerEvent,
} from "react";
import { Icon, type IconName } from "../../components/Icon";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { cursorStart, invertSelection, moveCursor, selectedPixelCount, stampDot, type Pixels, type Point } from "../../lib/mask";
import { isApplePlatform } from "../../lib/platform";
import { canvasKeyAction, historyShortcut, isTextField } from "./keys";

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
}

type Tool = "brush" | "eraser";
const PAINT_RGB = [34, 197, 94] as const;
const PAINT = `rgb(${PAINT_RGB.join(", ")})`;
const HISTORY = 30;

export const MaskEditor = forwardRef<MaskEditorHandle, MaskEditorProps>(function MaskEditor(
  { src, imageKey, alt, onCoverageChange },
  ref,
) {
  const { t } = useI18n();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [tool, setTool] = useState<Tool>("brush");
  const [size, setSize] = useState(36);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  /** The keyboard's virtual cursor, in image pixels; shown while the canvas has keyboard focus. */
  const [keyAt, setKeyAt] = useState<Point | null>(null);
  const [keyActive, setKeyActive] = useState(false);
  const keysId = useId();
  const mod = isApplePlatform() ? "⌘" : "Ctrl";
  const [, setVersion] = useState(0);
  const undo = useRef<ImageData[]>([]);
  const redo = useRef<ImageData[]>([]);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const saved = useRef(new Map<string, ImageData>());
  const currentKey = useRef(imageKey);

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

  // Keep each image's mask when the first reference changes.
  useEffect(() => {
    const c = canvasRef.current;
    const g = ctx();
    if (c && g && c.width && currentKey.current !== imageKey) {
      saved.current.set(currentKey.current, g.getImageData(0, 0, c.width, c.height));
    }
    currentKey.current = imageKey;
    undo.current = [];
    redo.current = [];
    setNatural(null);
    setKeyAt(null);
  }, [imageKey]);

  const onImageLoad = (img: HTMLImageElement) => {
    const w = img.naturalWidth || 1024;
    const h = img.naturalHeight || 1024;
    const c = canvasRef.current;
    if (!c) return;
    c.width = w;
    c.height = h;
    const g = ctx();
    const restore = saved.current.get(imageKey);
    if (g && restore && restore.width === w && restore.height === h) g.putImageData(restore, 0, 0);
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
    const rect = c.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) / rect.width) * c.width,
      y: ((e.clientY - rect.top) / rect.height) * c.height,
      scale: c.width / rect.width,
    };
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

  const onPointerDown = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!natural || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    snapshot();
    const p = toCanvas(e);
    drawing.current = p;
    stroke(p, p, p.scale);
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const wrap = wrapRef.current?.getBoundingClientRect();
    if (wrap) setCursor({ x: e.clientX - wrap.left, y: e.clientY - wrap.top });
    if (!drawing.current) return;
    const p = toCanvas(e);
    stroke(drawing.current, p, p.scale);
    drawing.current = p;
  };

  const endStroke = () => {
    if (!drawing.current) return;
    drawing.current = null;
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
    stampDot(data, at, size * displayScale(), tool, PAINT_RGB);
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
    else c.blur();
  };

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
  history.current = { undo: () => restore(undo, redo), redo: () => restore(redo, undo) };
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

  const toolButton = (id: Tool, icon: IconName, label: string) => (
    <button
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

  return (
    <div className="mask-editor">
      <div className="mask-toolbar" role="toolbar" aria-label={t("mask.toolbar")}>
        {toolButton("brush", "brush", t("mask.brush"))}
        {toolButton("eraser", "eraser", t("mask.eraser"))}
        <label className="mask-size">
          <span>{t("mask.size")}</span>
          <input type="range" min={4} max={160} value={size} onChange={(e) => setSize(Number(e.target.value))} className="range" />
          <span className="mask-size__value" aria-hidden="true">
            {size}
          </span>
        </label>
        <span className="mask-toolbar__sep" aria-hidden="true" />
        <button type="button" className="tool" onClick={() => restore(undo, redo)} disabled={undo.current.length === 0} title={t("mask.undo")}>
          <Icon name="undo" size={17} />
          <span className="tool__label">{t("mask.undo")}</span>
        </button>
        <button type="button" className="tool" onClick={() => restore(redo, undo)} disabled={redo.current.length === 0} title={t("mask.redo")}>
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
      </div>
      <div className="mask-stage checkerboard">
        <div
          ref={wrapRef}
          className="mask-stage__inner"
          onPointerLeave={() => setCursor(null)}
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
            onPointerDown={(e) => {
              setKeyActive(false);
              onPointerDown(e);
            }}
            onPointerMove={onPointerMove}
            onPointerUp={endStroke}
            onPointerCancel={endStroke}
          />
          {cursor ? (
            <span
              className="mask-cursor"
              aria-hidden="true"
              style={{ left: cursor.x, top: cursor.y, width: size, height: size }}
            />
          ) : null}
          {keyActive && keyAt && natural ? (
            <span
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
      <p id={keysId} className={keyActive ? "mask-editor__keys" : "visually-hidden"}>
        {t("mask.canvas_keys", { mod })}
      </p>
      {natural ? (
        <p className="mask-editor__note">{t("mask.note", { width: natural.w, height: natural.h })}</p>
      ) : null}
    </div>
  );
});
