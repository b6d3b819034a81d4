// The four classification generators of TensorFlow Playground, src/dataset.ts
// (github.com/tensorflow/playground, commit 2c87f3d, Copyright 2016 Google Inc., Apache License
// 2.0), copied with only these changes: `Math.random` is the `random` argument, `d3.scale.linear`
// of classifyTwoGaussData is written out, `let` became `const` where never reassigned, and types
// are added. The test compares src/data's port
// with this copy draw for draw.
export type Example2D = { x: number; y: number; label: number };
type Point = { x: number; y: number };

export function playground(random: () => number) {
  function randUniform(a: number, b: number) {
    return random() * (b - a) + a;
  }
  function normalRandom(mean = 0, variance = 1): number {
    let v1: number;
    let v2: number;
    let s: number;
    do {
      v1 = 2 * random() - 1;
      v2 = 2 * random() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s > 1);
    const result = Math.sqrt((-2 * Math.log(s)) / s) * v1;
    return mean + Math.sqrt(variance) * result;
  }
  function dist(a: Point, b: Point): number {
    const dx = a.x - b.x;
    const dy = a.y - b.y;
    return Math.sqrt(dx * dx + dy * dy);
  }
  function classifyTwoGaussData(numSamples: number, noise: number): Example2D[] {
    const points: Example2D[] = [];
    // d3.scale.linear().domain([0, .5]).range([0.5, 4]) of d3 3.5.17 (Playground's "^3.5.16"):
    // t = (x - 0) / (0.5 - 0), then interpolateNumber a * (1 - t) + b * t.
    const t = (noise - 0) / (0.5 - 0);
    const variance = 0.5 * (1 - t) + 4 * t;
    function genGauss(cx: number, cy: number, label: number) {
      for (let i = 0; i < numSamples / 2; i++) {
        const x = normalRandom(cx, variance);
        const y = normalRandom(cy, variance);
        points.push({ x: x, y: y, label: label });
      }
    }
    genGauss(2, 2, 1);
    genGauss(-2, -2, -1);
    return points;
  }
  function classifySpiralData(numSamples: number, noise: number): Example2D[] {
    const points: Example2D[] = [];
    const n = numSamples / 2;
    function genSpiral(deltaT: number, label: number) {
      for (let i = 0; i < n; i++) {
        const r = (i / n) * 5;
        const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
        const x = r * Math.sin(t) + randUniform(-1, 1) * noise;
        const y = r * Math.cos(t) + randUniform(-1, 1) * noise;
        points.push({ x: x, y: y, label: label });
      }
    }
    genSpiral(0, 1);
    genSpiral(Math.PI, -1);
    return points;
  }
  function classifyCircleData(numSamples: number, noise: number): Example2D[] {
    const points: Example2D[] = [];
    const radius = 5;
    function getCircleLabel(p: Point, center: Point) {
      return dist(p, center) < radius * 0.5 ? 1 : -1;
    }
    for (let i = 0; i < numSamples / 2; i++) {
      const r = randUniform(0, radius * 0.5);
      const angle = randUniform(0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const noiseX = randUniform(-radius, radius) * noise;
      const noiseY = randUniform(-radius, radius) * noise;
      const label = getCircleLabel({ x: x + noiseX, y: y + noiseY }, { x: 0, y: 0 });
      points.push({ x: x, y: y, label: label });
    }
    for (let i = 0; i < numSamples / 2; i++) {
      const r = randUniform(radius * 0.7, radius);
      const angle = randUniform(0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const noiseX = randUniform(-radius, radius) * noise;
      const noiseY = randUniform(-radius, radius) * noise;
      const label = getCircleLabel({ x: x + noiseX, y: y + noiseY }, { x: 0, y: 0 });
      points.push({ x: x, y: y, label: label });
    }
    return points;
  }
  function classifyXORData(numSamples: number, noise: number): Example2D[] {
    function getXORLabel(p: Point) {
      return p.x * p.y >= 0 ? 1 : -1;
    }
    const points: Example2D[] = [];
    for (let i = 0; i < numSamples; i++) {
      let x = randUniform(-5, 5);
      const padding = 0.3;
      x += x > 0 ? padding : -padding;
      let y = randUniform(-5, 5);
      y += y > 0 ? padding : -padding;
      const noiseX = randUniform(-5, 5) * noise;
      const noiseY = randUniform(-5, 5) * noise;
      const label = getXORLabel({ x: x + noiseX, y: y + noiseY });
      points.push({ x: x, y: y, label: label });
    }
    return points;
  }
  return {
    circle: classifyCircleData,
    xor: classifyXORData,
    gauss: classifyTwoGaussData,
    spiral: classifySpiralData,
  };
}
