import type { ReadyInfo } from "../protocol.js";
import { CLASS_COLORS, describeChart, fitCanvas, MUTED } from "./theme.js";
import { WidthWatch } from "./width-watch.js";

type Points = NonNullable<ReadyInfo["points"]>;

/**
 * The decision boundary of a 2-D data set: the predicted class on an n x n grid, drawn at grid
 * resolution and scaled up (paler where the network is less sure), with the test points on top.
 */
export class BoundaryView {
  private readonly canvas = document.createElement("canvas");
  private readonly grid = document.createElement("canvas");
  private points: Points | null = null;
  private readonly watch: WidthWatch;
  private last: { n: number; classes: Uint8Array; confidence: Float32Array } | null = null;

  constructor(
    parent: HTMLElement,
    private readonly size = 240,
  ) {
    this.canvas.className = "boundary-canvas";
    parent.append(this.canvas);
    describeChart(this.canvas, "Decision boundary: waiting for the network's first predictions");
    this.watch = new WidthWatch(parent, () => this.draw());
  }

  setPoints(points: Points | null): void {
    this.points = points;
    this.last = null;
    this.draw();
  }

  update(n: number, classes: Uint8Array, confidence: Float32Array): void {
    this.last = { n, classes, confidence };
    this.draw();
  }

  private draw(): void {
    const S = Math.min(this.size, Math.max(120, this.watch.width));
    const ctx = fitCanvas(this.canvas, S, S);
    ctx.clearRect(0, 0, S, S);
    const pts = this.points;
    if (!pts) return;
    if (this.last) {
      const { n, classes, confidence } = this.last;
      this.grid.width = n;
      this.grid.height = n;
      const g = this.grid.getContext("2d")!;
      const img = g.createImageData(n, n);
      for (let i = 0; i < n * n; i++) {
        const c = rgb(CLASS_COLORS[classes[i] % CLASS_COLORS.length]);
        const a = 0.15 + 0.55 * Math.max(0, Math.min(1, confidence[i]));
        // grid row 0 is the bottom (y = box min): flip so y grows upward on screen
        const row = n - 1 - Math.floor(i / n);
        const o = 4 * (row * n + (i % n));
        img.data[o] = 255 + (c[0] - 255) * a;
        img.data[o + 1] = 255 + (c[1] - 255) * a;
        img.data[o + 2] = 255 + (c[2] - 255) * a;
        img.data[o + 3] = 255;
      }
      g.putImageData(img, 0, 0);
      const counts = new Array<number>(CLASS_COLORS.length).fill(0);
      for (let i = 0; i < n * n; i++) counts[classes[i] % counts.length]++;
      describeChart(
        this.canvas,
        `Decision boundary on a ${n} by ${n} grid with ${pts.y.length} test points: ` +
          counts
            .map((c, k) =>
              c ? `class ${k} predicted on ${Math.round((100 * c) / (n * n))}% of the plane` : "",
            )
            .filter(Boolean)
            .join(", "),
      );
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.grid, 0, 0, S, S);
    } else {
      ctx.fillStyle = "#f9fafb";
      ctx.fillRect(0, 0, S, S);
    }
    const [x0, x1, y0, y1] = pts.box;
    for (let i = 0; i < pts.y.length; i++) {
      const px = ((pts.x[2 * i] - x0) / (x1 - x0)) * S;
      const py = S - ((pts.x[2 * i + 1] - y0) / (y1 - y0)) * S;
      ctx.beginPath();
      ctx.arc(px, py, 2.3, 0, 2 * Math.PI);
      ctx.fillStyle = CLASS_COLORS[pts.y[i] % CLASS_COLORS.length];
      ctx.fill();
      ctx.lineWidth = 0.6;
      ctx.strokeStyle = "white";
      ctx.stroke();
    }
    ctx.strokeStyle = MUTED;
    ctx.strokeRect(0.5, 0.5, S - 1, S - 1);
  }
}

function rgb(c: string): [number, number, number] {
  const n = Number.parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
