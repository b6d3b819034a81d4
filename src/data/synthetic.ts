import { Rng } from "../tensor/rng.js";
import type { RawSplit } from "./types.js";

/**
 * The 2-D classification sets of TensorFlow Playground (src/dataset.ts of tensorflow/playground),
 * with the same geometry and noise model; label +1 -> class 1, -1 -> class 0. Pure TypeScript
 * (no Node imports) so the browser lab generates the same points.
 *   circle: class 1 at radius U(0, 2.5), class 0 at radius U(3.5, 5); labels of noisy points follow
 *           the noisy position (inside radius 2.5 -> 1).
 *   xor:    x, y ~ U(-5, 5) pushed 0.3 away from the axes; label sign(x y) of the noisy point.
 *   gauss:  two Gaussians at (2, 2) (class 1) and (-2, -2) (class 0), variance 0.5 + 7 noise.
 *   spiral: two interleaved spirals r = 5 i/n, t = 3.5 pi i/n (+ pi for class 0), uniform noise.
 */
export const SYNTHETIC_NAMES = ["circle", "xor", "gauss", "spiral"] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

type Point = [number, number, number];

function circle(n: number, noise: number, rng: Rng): Point[] {
  const radius = 5;
  const pts: Point[] = [];
  const gen = (rMin: number, rMax: number) => {
    for (let i = 0; i < n / 2; i++) {
      const r = rng.uniformRange(rMin, rMax);
      const angle = rng.uniformRange(0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const nx = rng.uniformRange(-radius, radius) * noise;
      const ny = rng.uniformRange(-radius, radius) * noise;
      pts.push([x, y, Math.hypot(x + nx, y + ny) < radius * 0.5 ? 1 : 0]);
    }
  };
  gen(0, radius * 0.5);
  gen(radius * 0.7, radius);
  return pts;
}

function xor(n: number, noise: number, rng: Rng): Point[] {
  const pts: Point[] = [];
  const padding = 0.3;
  for (let i = 0; i < n; i++) {
    let x = rng.uniformRange(-5, 5);
    x += x > 0 ? padding : -padding;
    let y = rng.uniformRange(-5, 5);
    y += y > 0 ? padding : -padding;
    const nx = rng.uniformRange(-5, 5) * noise;
    const ny = rng.uniformRange(-5, 5) * noise;
    pts.push([x, y, (x + nx) * (y + ny) >= 0 ? 1 : 0]);
  }
  return pts;
}

function gauss(n: number, noise: number, rng: Rng): Point[] {
  const variance = 0.5 + (noise / 0.5) * 3.5;
  const sd = Math.sqrt(variance);
  const pts: Point[] = [];
  const gen = (cx: number, cy: number, label: number) => {
    for (let i = 0; i < n / 2; i++) pts.push([cx + sd * rng.normal(), cy + sd * rng.normal(), label]);
  };
  gen(2, 2, 1);
  gen(-2, -2, 0);
  return pts;
}

function spiral(n: number, noise: number, rng: Rng): Point[] {
  const pts: Point[] = [];
  const half = n / 2;
  const gen = (deltaT: number, label: number) => {
    for (let i = 0; i < half; i++) {
      const r = (i / half) * 5;
      const t = ((1.75 * i) / half) * 2 * Math.PI + deltaT;
      pts.push([r * Math.sin(t) + rng.uniformRange(-1, 1) * noise, r * Math.cos(t) + rng.uniformRange(-1, 1) * noise, label]);
    }
  };
  gen(0, 1);
  gen(Math.PI, 0);
  return pts;
}

const GENERATORS: Record<SyntheticName, (n: number, noise: number, rng: Rng) => Point[]> = { circle, xor, gauss, spiral };

function toSplit(pts: Point[], rng: Rng): RawSplit {
  rng.shuffle(pts);
  const x = new Float32Array(pts.length * 2);
  const y = new Int32Array(pts.length);
  pts.forEach((p, i) => {
    x[2 * i] = p[0];
    x[2 * i + 1] = p[1];
    y[i] = p[2];
  });
  return { x, y, n: pts.length };
}

/** n training and n test points (n even), from the stream Rng.derive(seed, "data"). */
export function generateSynthetic(name: SyntheticName, n: number, noise: number, seed: number): { train: RawSplit; test: RawSplit } {
  const rng = Rng.derive(seed, "data");
  const gen = GENERATORS[name];
  const train = toSplit(gen(n, noise, rng), rng);
  const test = toSplit(gen(n, noise, rng), rng);
  return { train, test };
}
