import type { Network } from "../nn/network.js";

/**
 * The Fixup rescaling factor of the layers of a residual branch (Zhang, Dauphin & Ma 2019,
 * arXiv:1901.09321, section 3): L^(-1/(2m-2)) for L blocks of m layers each. With m = 1 the
 * branch's only layer is its last one, which Fixup sets to zero, so no factor applies (returns 0).
 */
export function fixupScale(blocks: number, m: number): number {
  if (m < 2) return 0;
  return blocks ** (-1 / (2 * m - 2));
}

/**
 * Fixup as initlab implements it, applied after the standard initializers (--init, normally
 * He): in each residual branch every layer but the last has its weights multiplied by
 * L^(-1/(2m-2)); the last layer of each branch and the output layer get zero weights and zero
 * biases. Fixup's extra scalar biases and scalar multiplier per branch are NOT added (a
 * learnable multiplier is available separately as branchScale "rezero"); biases keep --bias-init
 * except the zeroed layers'. Only called by Network.initialize for a network with branchInit "fixup".
 */
export function applyFixup(net: Network): void {
  const L = net.blocks.length;
  for (const block of net.blocks) {
    const m = block.length;
    const c = fixupScale(L, m);
    block.forEach((l, i) => {
      const layer = net.layers[l];
      if (i === m - 1) {
        layer.W.fill(0);
        layer.b.fill(0);
      } else for (let k = 0; k < layer.W.length; k++) layer.W[k] *= c;
    });
  }
  const out = net.layers[net.layers.length - 1];
  out.W.fill(0);
  out.b.fill(0);
}
