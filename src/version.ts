/**
 * This build's version: package.json's (test/train/runtime.test.ts holds them equal). Written here
 * rather than imported from package.json: a JSON import makes tsc copy package.json into dist/,
 * where the compiled code would take dist/ for the package root and miss the kernels and the lab.
 */
export const INITLAB_VERSION = "0.2.0";
