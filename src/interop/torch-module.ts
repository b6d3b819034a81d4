import { fixupScale } from "../init/fixup.js";
import { type ArchitectureSpec, blockCount, initialBranchScale, learnableScale } from "../nn/architecture.js";

/**
 * The PyTorch module of initlab's residual and normalized networks (docs/architectures.md shows
 * the same code): `InitlabNet(sizes, act, residual, alpha, learnable_alpha, norm, norm_place)`.
 * Its state_dict names are the ones initlab writes (src/interop/state-dict.ts):
 * `layers.<l>.weight`, `layers.<l>.bias`, `layers.<l>.act.weight` (PReLU), `layers.<l>.norm.*`,
 * `layers.<l>.alpha`. `forward(x, trace)` appends (z, a) of every layer to `trace` when given:
 * z = x W^T + b (a residual branch's output before alpha), a = the layer's output.
 */
export const TORCH_MODULE_CODE = `class InitlabUnit(nn.Linear):
    """One dense layer: z = h W^T + b; s = z, or stream + alpha z when it closes a residual block;
    output phi(N(s)) (norm_place "pre"), N(phi(s)) ("post") or phi(s) (no normalization)."""

    def __init__(self, n_in, n_out, act, norm=None, norm_place="pre", alpha=None, learnable_alpha=False):
        super().__init__(n_in, n_out)
        self.act = act
        self.norm = norm
        self.norm_place = norm_place
        self.alpha_value = alpha
        if learnable_alpha:
            self.alpha = nn.Parameter(torch.full((1,), float(alpha)))

    def scale(self):
        return self.alpha if "alpha" in self._parameters else self.alpha_value

    def output(self, s):
        if self.norm is None:
            return self.act(s)
        if self.norm_place == "pre":
            return self.act(self.norm(s))
        return self.norm(self.act(s))


class InitlabNet(nn.Module):
    """initlab's MLP with residual blocks and normalization (docs/architectures.md).
    sizes = [d, h, ..., h, out]; act(l, width) makes hidden layer l's activation module;
    residual = m dense layers per branch (0: plain): layer 0 projects the input to the stream
    x_0, then blocks x_{b+1} = x_b + alpha F_b(x_b) over layers 1 + b m .. (b + 1) m;
    norm = "none" | "batch" (BatchNorm1d) | "layer" (LayerNorm) on every hidden layer."""

    def __init__(self, sizes, act, residual=0, alpha=1.0, learnable_alpha=False, norm="none", norm_place="pre"):
        super().__init__()
        n = len(sizes) - 1
        blocks = (n - 2) // residual if residual else 0
        self.skip = {(b + 1) * residual: b * residual for b in range(blocks)}
        units = []
        for l in range(n):
            hidden = l < n - 1
            width = sizes[l + 1]
            nrm = None
            if hidden and norm == "batch":
                nrm = nn.BatchNorm1d(width)
            elif hidden and norm == "layer":
                nrm = nn.LayerNorm(width)
            a = act(l, width) if hidden else nn.Identity()
            closes = l in self.skip
            units.append(InitlabUnit(sizes[l], width, a, nrm, norm_place, alpha if closes else None, learnable_alpha and closes))
        self.layers = nn.ModuleList(units)

    def forward(self, x, trace=None):
        streams, h = [], x
        for k, u in enumerate(self.layers):
            z = F.linear(h, u.weight, u.bias)
            s = streams[self.skip[k]] + u.scale() * z if k in self.skip else z
            streams.append(s)
            h = u.output(s)
            if trace is not None:
                trace.append((z, h))
        return h
`;

/** Python literal of a float. */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/**
 * The constructor call of InitlabNet for a network (`act` is a Python expression of the factory
 * act(l, width)), e.g. `InitlabNet(SIZES, act, residual=2, alpha=0.0, learnable_alpha=True, norm="batch", norm_place="pre")`.
 */
export function torchModuleCall(sizes: readonly number[], a: ArchitectureSpec, act: string): string {
  const L = blockCount(sizes, a);
  const alpha = initialBranchScale(a, L);
  const learn = learnableScale(a.branchScale) ? "True" : "False";
  return `InitlabNet(SIZES, ${act}, residual=${a.residual}, alpha=${pyFloat(alpha)}, learnable_alpha=${learn}, norm=${JSON.stringify(a.norm)}, norm_place=${JSON.stringify(a.normPlace)})`;
}

/**
 * Python statements applying Fixup (src/init/fixup.ts) to `model` (an InitlabNet) after the
 * standard initializers: every branch layer but the last times L^(-1/(2m-2)), the last layer of
 * each branch and the output layer zero. Empty unless branchInit is "fixup".
 */
export function torchFixupCode(sizes: readonly number[], a: ArchitectureSpec): string[] {
  if (a.branchInit !== "fixup" || a.residual === 0) return [];
  const L = blockCount(sizes, a);
  const m = a.residual;
  const lines: string[] = [];
  for (let b = 0; b < L; b++) {
    for (let i = 0; i < m; i++) {
      const l = 1 + b * m + i;
      if (i === m - 1) lines.push(`model.layers[${l}].weight.zero_()`, `model.layers[${l}].bias.zero_()`);
      else lines.push(`model.layers[${l}].weight.mul_(${fixupScale(L, m)})  # Fixup: L^(-1/(2m-2))`);
    }
  }
  const out = sizes.length - 2;
  lines.push(`model.layers[${out}].weight.zero_()`, `model.layers[${out}].bias.zero_()`);
  return lines;
}
