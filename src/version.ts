import pkg from "../package.json" with { type: "json" };

/** This build's version, read from package.json (the one place it is written); browser-safe (a JSON import). */
export const INITLAB_VERSION: string = pkg.version;
