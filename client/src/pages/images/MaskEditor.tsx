import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent } from 'react';
import {
  MASK_OFF,
  MASK_ON,
  containRect,
  displayToImage,
  fillRect,
  imagePixelsPerDisplayPixel,
  paintOverlay,
  paintStroke,
  type DisplayBox,
  type PixelRect,
  type Point,
} from '@/lib/mask';
import type { MaskEditorController } from './use-mask-editor';

export type { MaskState } from '@/lib/mask';

interface Props {
  editor: MaskEditorController;
  /** The current image (drawn here, under the overlay, as the stage draws it: contained). */
  src: string;
  alt: string;
}

/** When the CSS colour cannot be read (a test, an old browser): a vivid pink that shows on photos. */
const FALLBACK_COLOR: [number, number, number] = [255, 45, 117];

function overlayColor(canvas: HTMLCanvasElement): [number, number, number] {
  const match = /rgba?\((\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(getComputedStyle(canvas).color);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : FALLBACK_COLOR;
}

function boxOf(element: Element): DisplayBox {
  const { left, top, width, height } = element.getBoundingClientRect();
  return { left, top, width, height };
}

interface Drag {
  pointerId: number;
  /** Where the stroke last was, or where the rectangle started (image pixels). */
  from: Point;
  to: Point;
}

/**
 * The image with the mask tool over it: fills its parent (the stage) and draws the image as the
 * stage does (`object-fit: contain`), with a canvas exactly over the shown image. The canvas has
 * the image's natural pixels and paints into `editor.buffer`; CSS scales it down. Mouse, pen and
 * touch all come as Pointer Events; one pointer paints at a time (a second finger is ignored).
 */
export function MaskEditor({ editor, src, alt }: Props) {
  const { width, height, active, mode, brushSize, buffer, revision, commit } = editor;
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<{ context: CanvasRenderingContext2D; image: ImageData; color: [number, number, number] } | null>(null);
  const drag = useRef<Drag | null>(null);
  const [shown, setShown] = useState<DisplayBox | null>(null); // the image's box inside the frame
  const [rectangle, setRectangle] = useState<{ from: Point; to: Point } | null>(null);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);

  // Place the canvas over the image as `object-fit: contain` draws it, and follow resizes.
  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => {
      const box = { left: 0, top: 0, width: element.clientWidth, height: element.clientHeight };
      setShown(box.width > 0 && box.height > 0 ? containRect(box, width, height) : null);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [width, height]);

  // A new canvas (the tool turned on), a new size, or a clear/invert: draw the whole overlay.
  useEffect(() => {
    const element = canvas.current;
    if (!active || !element) {
      overlay.current = null;
      return;
    }
    const context = element.getContext('2d');
    if (!context) return;
    const image = context.createImageData(buffer.width, buffer.height);
    overlay.current = { context, image, color: overlayColor(element) };
    paintOverlay(buffer, image.data, overlay.current.color);
    context.putImageData(image, 0, 0);
  }, [active, buffer, revision]);

  function redraw(rect: PixelRect | null) {
    const target = overlay.current;
    if (!rect || !target) return;
    paintOverlay(buffer, target.image.data, target.color, rect);
    target.context.putImageData(target.image, 0, 0, rect.x, rect.y, rect.width, rect.height);
  }

  function toImage(event: ReactPointerEvent): Point {
    return displayToImage(event.clientX, event.clientY, boxOf(event.currentTarget), width, height);
  }

  function brushRadius(element: Element): number {
    return (brushSize / 2) * imagePixelsPerDisplayPixel(boxOf(element), width, height);
  }

  function onPointerDown(event: ReactPointerEvent<HTMLCanvasElement>) {
    if (drag.current || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    try {
      event.currentTarget.setPointerCapture(event.pointerId);
    } catch {
      // Not supported (jsdom) or the pointer is gone already: painting still follows the moves.
    }
    const point = toImage(event);
    drag.current = { pointerId: event.pointerId, from: point, to: point };
    if (mode === 'rectangle') setRectangle({ from: point, to: point });
    else redraw(paintStroke(buffer, point, point, brushRadius(event.currentTarget), mode === 'eraser' ? MASK_OFF : MASK_ON));
  }

  function onPointerMove(event: ReactPointerEvent<HTMLCanvasElement>) {
    if (event.pointerType !== 'touch' && mode !== 'rectangle') {
      const box = event.currentTarget.getBoundingClientRect();
      setCursor({ x: event.clientX - box.left, y: event.clientY - box.top });
    }
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) return;
    const point = toImage(event);
    if (mode === 'rectangle') {
      current.to = point;
      setRectangle({ from: current.from, to: point });
    } else {
      redraw(paintStroke(buffer, current.from, point, brushRadius(event.currentTarget), mode === 'eraser' ? MASK_OFF : MASK_ON));
      current.from = point;
    }
  }

  function endDrag(event: ReactPointerEvent<HTMLCanvasElement>) {
    const current = drag.current;
    if (!current || current.pointerId !== event.pointerId) return;
    drag.current = null;
    if (mode === 'rectangle') {
      // A cancelled rectangle (the browser took the pointer) is not drawn.
      if (event.type !== 'pointercancel') redraw(fillRect(buffer, current.from, toImage(event)));
      setRectangle(null);
    }
    commit();
  }

  const layerStyle: CSSProperties | undefined = shown
    ? { left: shown.left, top: shown.top, width: shown.width, height: shown.height }
    : undefined;
  const percent = (value: number, of: number) => `${(value / of) * 100}%`;

  return (
    <div className="mask-editor" ref={frame}>
      <img className="stage-image" src={src} alt={alt} data-testid="mask-image" draggable={false} />
      {active && (
        <div className={`mask-layer mask-mode-${mode}`} style={layerStyle}>
          <canvas
            ref={canvas}
            className="mask-canvas"
            width={width}
            height={height}
            role="img"
            aria-label={`Mask over the image: ${mode === 'rectangle' ? 'drag a rectangle' : mode === 'eraser' ? 'erase' : 'paint'} the area to change`}
            data-testid="mask-canvas"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={endDrag}
            onPointerCancel={endDrag}
            onLostPointerCapture={endDrag}
            onPointerLeave={() => setCursor(null)}
            onContextMenu={(event) => event.preventDefault()}
          />
          {rectangle && (
            <div
              className="mask-rectangle"
              data-testid="mask-rectangle"
              aria-hidden="true"
              style={{
                left: percent(Math.min(rectangle.from.x, rectangle.to.x), width),
                top: percent(Math.min(rectangle.from.y, rectangle.to.y), height),
                width: percent(Math.abs(rectangle.to.x - rectangle.from.x), width),
                height: percent(Math.abs(rectangle.to.y - rectangle.from.y), height),
              }}
            />
          )}
          {cursor && mode !== 'rectangle' && (
            <div
              className="mask-cursor"
              aria-hidden="true"
              style={{ left: cursor.x, top: cursor.y, width: brushSize, height: brushSize }}
            />
          )}
        </div>
      )}
    </div>
  );
}
