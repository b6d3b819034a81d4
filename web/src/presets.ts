import { DEFAULT_STATE, type LabState, layers } from "./state.js";

/**
 * One preset per experiment of the study notes: it sets every setting (and, for comparisons,
 * the second configuration) and says what to look for and what to try next.
 */
export interface Preset {
  id: string;
  title: string;
  /** The notes' claim this reproduces. */
  claim: string;
  lookFor: string;
  /** One-click changes worth trying next: a label and the settings they change. */
  tryNext: { label: string; change: Partial<LabState> }[];
  state: LabState;
  /** Overrides of `state` for the second configuration (compare mode), or null. */
  compare: Partial<LabState> | null;
}

const mnist: Partial<LabState> = {
  data: "mnist",
  preprocess: "standardize",
  samples: 10000,
  optimizer: "sgd",
  momentum: 0.9,
  batchSize: 64,
  loss: "cross_entropy",
  seed: 1,
};

function preset(p: Omit<Preset, "state"> & { state: Partial<LabState> }): Preset {
  return { ...p, state: { ...DEFAULT_STATE, ...p.state } };
}

export const PRESETS: readonly Preset[] = [
  preset({
    id: "relu-raw-pixels",
    title: "ReLU on raw pixels",
    claim: "Notes, result 1: an MLP on MNIST pixels left in 0..255 does not learn with ReLU.",
    lookFor:
      "At step 0 layer 0's Var(z) is about 10^4 (the theory agrees: E[z^2] = fan_in Var(w) E[x^2] with pixels of " +
      "0..255), where every initializer expects order 1; the gradients are as large: the first steps throw the loss up by orders of magnitude, after " +
      "which the ReLU units are dead (the grey bars), no gradient reaches the lower layers, and the batch loss sits " +
      "at ln 10 = 2.30 with chance accuracy. Then try sigmoid on the same raw pixels, and ReLU on standardized pixels.",
    tryNext: [
      { label: "sigmoid, still raw", change: { activation: "sigmoid" } },
      { label: "ReLU, standardized", change: { preprocess: "standardize" } },
    ],
    state: {
      ...mnist,
      preprocess: "raw",
      hidden: layers(2, 128),
      activation: "relu",
      init: "he_normal",
      lr: 0.05,
      steps: 300,
      probeEvery: 10,
    },
    compare: null,
  }),
  preset({
    id: "sigmoid-8-layers",
    title: "8 sigmoid layers",
    claim:
      "Notes, result 3: with many sigmoid layers the gradient vanishes (each layer multiplies it by sigma' <= 1/4).",
    lookFor:
      "The orange gradient scale fades from the output toward the input: Var(dL/dz) drops by roughly 16x per layer " +
      "(sigma'(z)^2 <= 1/16 with Xavier weights), so the first layer (0) learns thousands of times slower than the " +
      "output layer (8): ||dL/dW|| falls by more than 10^3 between them, and the loss does not move in 200 steps. " +
      "The gradient histograms (Glorot & Bengio 2010, Fig. 7, here on a log axis) move left by about a decade every " +
      "two layers. Try the notes' sigmoid variant of Xavier (4x wider bound), or He + ReLU.",
    tryNext: [
      { label: "xavier_sigmoid_uniform", change: { init: "xavier_sigmoid_uniform" } },
      { label: "He + ReLU", change: { activation: "relu", init: "he_normal" } },
      { label: "tanh", change: { activation: "tanh" } },
    ],
    state: {
      ...mnist,
      hidden: layers(8, 64),
      activation: "sigmoid",
      init: "xavier_uniform",
      lr: 0.05,
      steps: 200,
      probeEvery: 10,
    },
    compare: null,
  }),
  preset({
    id: "exploding",
    title: "Exploding gradients",
    claim: "Notes, result 4: large initial weights with a large learning rate make the gradients explode.",
    lookFor:
      "With W ~ N(0, 1) and 64 inputs per unit, every ReLU layer multiplies Var(z) by 64/2 = 32 (the exploding phase, " +
      "chi_1 = 32; ReLU has no chaotic phase): Var(z) grows by decades toward the output (blue tiles dark red) and Var(dL/dz) by decades toward " +
      "the input (orange tiles dark red), and the first steps send the loss to NaN (diverged). The gradient-norm " +
      "heatmap stays level across layers: ||dL/dW|| of a layer multiplies its input's scale, which grows forward, by " +
      "its gradient's, which grows backward, and the two cancel. Try He normal (sigma_w^2 = 2, the critical point), " +
      "or a smaller rate.",
    tryNext: [
      { label: "He normal", change: { init: "he_normal" } },
      { label: "lr 0.0001", change: { lr: 0.0001 } },
    ],
    state: {
      ...mnist,
      hidden: layers(6, 64),
      activation: "relu",
      init: "normal(std=1)",
      lr: 0.5,
      steps: 200,
      probeEvery: 1,
    },
    compare: null,
  }),
  preset({
    id: "dying-relu-prelu",
    title: "Dying ReLU -> PReLU",
    claim: "Notes, result 5: PReLU (a learnable negative slope) fixes dying ReLU units.",
    lookFor:
      "The biases start at -1, so most ReLU units output 0 for every input and get no gradient: the dead fraction " +
      "is high and stays high, the gradient scale is near zero below the top, and the decision boundary hardly moves. " +
      "B is the same network with PReLU: negative inputs still pass a gradient (slope 0.25, learned), no unit is dead, " +
      "and it learns.",
    tryNext: [{ label: "bias init zeros", change: { biasInit: "zeros" } }],
    state: {
      data: "spiral",
      preprocess: "standardize",
      noise: 0.1,
      samples: 500,
      hidden: layers(6, 32),
      activation: "relu",
      init: "he_normal",
      biasInit: "constant(-1)",
      optimizer: "sgd",
      lr: 0.03,
      momentum: 0.9,
      batchSize: 32,
      steps: 3000,
      probeEvery: 20,
    },
    compare: { activation: "prelu" },
  }),
  preset({
    id: "xavier-vs-he-30",
    title: "Xavier vs He at depth 30",
    claim:
      "He et al. 2015: with ReLU, Xavier's Var(w) = 1/n halves the signal at every layer; He's 2/n keeps it.",
    lookFor:
      "A (Xavier): Var(z) falls by 2x per layer, about 10^-9 at layer 30, in the ordered phase (chi_1 = 1/2); the " +
      "gradient shrinks the same way toward the input and training stalls. B (He): Var(z) stays flat at the critical " +
      "point sigma_w^2 = 2 (chi_1 = 1) and it trains.",
    tryNext: [{ label: "both tanh", change: { activation: "tanh" } }],
    state: {
      ...mnist,
      hidden: layers(30, 64),
      activation: "relu",
      init: "xavier_normal",
      lr: 0.01,
      steps: 500,
      probeEvery: 10,
    },
    compare: { init: "he_normal" },
  }),
  preset({
    id: "dynamical-isometry",
    title: "Dynamical isometry: orthogonal vs Gaussian tanh",
    claim:
      "Pennington et al. 2017: at the critical point the Jacobian's singular values of a deep tanh network stay near 1 " +
      "with orthogonal weights and spread with depth with Gaussian ones; the isometric network learns faster.",
    lookFor:
      "The Jacobian-spectrum panel: A (orthogonal, sigma_w^2 = 1.03 at q* = 1/64) has its singular values in a narrow " +
      "band around s = 1; B (Gaussian, same sigma_w^2) spreads them over decades, and Var(s^2) grows like the depth " +
      "(theory: L mu_2/mu_1^2 vs L (mu_2/mu_1^2 - 1)). Both have mean s^2 near 1: the mean is not the whole story. " +
      "Then try ReLU with orthogonal weights: its spread grows like the depth whatever the weights.",
    tryNext: [
      {
        label: "ReLU, orthogonal gain sqrt 2",
        change: { activation: "relu", init: "orthogonal(gain=1.4142135623730951)", biasInit: "zeros" },
      },
      { label: "depth 64", change: { hidden: layers(64, 64) } },
    ],
    state: {
      ...mnist,
      hidden: layers(32, 64),
      activation: "tanh",
      init: "orthogonal(gain=1.0152)",
      biasInit: "normal(std=0.0022)",
      lr: 0.01,
      steps: 500,
      probeEvery: 20,
    },
    compare: { init: "variance_scaling(scale=1.0306, mode=fan_in, distribution=untruncated_normal)" },
  }),
  preset({
    id: "mup-transfer",
    title: "The best learning rate moves with width -> muP",
    claim:
      "Tensor Programs V (Yang et al. 2022), Fig. 1: under the standard parametrization the best learning rate of a narrow network is not the best one of a wide network; under muP it is.",
    lookFor:
      "Both runs use Adam at lr 2^-8, about the best rate of this MLP at width 64 (initlab experiment mup-transfer). At width 512, A (standard " +
      "parametrization) trains worse than B (muP with base width 64): SP's hidden and output weights take steps as large as at width 64 " +
      "while 8x more units add them up, so its best rate is about 3x smaller; muP divides those rates by the width ratio and keeps the " +
      "narrow network's optimum. At width 64 (the base width) A and B are the same run, bit for bit. The coordinate check below the " +
      "settings shows the same at initialization: SP's logits climb with width, muP's lines are flat.",
    tryNext: [
      { label: "A at a 4x smaller rate", change: { lr: 0.001 } },
      { label: "width 64 (A = B)", change: { hidden: layers(2, 64) } },
    ],
    state: {
      ...mnist,
      hidden: layers(2, 512),
      activation: "relu",
      init: "he_normal",
      optimizer: "adam",
      lr: 0.00390625,
      steps: 300,
      probeEvery: 10,
      parametrization: "sp",
      baseWidth: 64,
    },
    compare: { parametrization: "mup" },
  }),
  preset({
    id: "residual-branch-scale",
    title: "Residual ReLU at depth 30: alpha = 1 vs 1/sqrt(L)",
    claim:
      "With He ReLU branches the residual stream doubles its variance at every block (Var(x_{l+1}) = 2 Var(x_l)); " +
      "scaling each branch by 1/sqrt(L) keeps it below e times its start (src/theory/residual.ts).",
    lookFor:
      "A (alpha = 1): each block's branch sees the whole stream, so its Var(z) grows 2x per layer, about 10^9 at " +
      "block 30; the logits start huge and the first steps are violent. B (alpha = 1/sqrt(30)): Var(z) grows by " +
      "(1 + 1/30) per block and ends below e times the first layer's; it trains at the same rate.",
    tryNext: [
      { label: "ReZero (alpha learnable from 0)", change: { branchScale: "rezero" } },
      { label: "Fixup", change: { branchInit: "fixup" } },
      { label: "BatchNorm before ReLU", change: { norm: "batch" } },
    ],
    state: {
      ...mnist,
      hidden: layers(31, 64),
      activation: "relu",
      init: "he_normal",
      residual: 1,
      lr: 0.01,
      steps: 500,
      probeEvery: 10,
    },
    compare: { branchScale: "inv_sqrt_depth" },
  }),
  preset({
    id: "residual-depth",
    title:
      "50 residual blocks: alpha = 1 diverges, 1/sqrt(L), Fixup, ReZero train (experiment residual-depth)",
    claim:
      "The residual-depth experiment's setting: 50 one-layer He ReLU blocks of width 64 on MNIST, SGD momentum 0.9 " +
      "at lr 2^-7. With alpha = 1 the stream's E[x^2] doubles per block (2^50 ~ 10^15 at the read-out); with " +
      "1/sqrt(L) it grows by (1 + 1/50)^50 = 2.69 < e in all; Fixup, ReZero and SkipInit start every block at the identity.",
    lookFor:
      "A (alpha = 1) ends in NaN within a few steps: the logits start ~10^7 times too large; the experiment finds it " +
      "trains only at rates near 2^-27, below the lab's smallest (1e-7). B (alpha = 1/sqrt(L)) reaches ~90% test " +
      "accuracy in 300 steps. Var(z) per layer at step 0: A's climbs 15 decades, B's stays within a factor e. Then try Fixup and ReZero (flat stream at step 0) " +
      "and the plain network of the same depth (no skips), which barely learns at any rate.",
    tryNext: [
      { label: "Fixup", change: { branchScale: "one", branchInit: "fixup" } },
      { label: "ReZero (alpha learnable from 0)", change: { branchScale: "rezero" } },
      { label: "SkipInit (the same computation as ReZero)", change: { branchScale: "skipinit" } },
      { label: "plain network, no skips", change: { residual: 0 } },
      // the lab's smallest rate, 1e-7 ~ 2^-23, still diverges with alpha = 1 (the experiment finds ~2^-27)
      { label: "alpha = 1 at the smallest rate, 1e-7", change: { branchScale: "one", lr: 1e-7 } },
    ],
    state: {
      ...mnist,
      hidden: layers(51, 64),
      activation: "relu",
      init: "he_normal",
      residual: 1,
      lr: 2 ** -7,
      steps: 300,
      probeEvery: 10,
    },
    compare: { branchScale: "inv_sqrt_depth" },
  }),
  preset({
    id: "batchnorm-sigmoid",
    title: "BatchNorm rescues a deep sigmoid network with a bad init",
    claim:
      "Ioffe & Szegedy 2015: normalizing every layer's pre-activations makes training insensitive to the weights' " +
      "scale, so a deep sigmoid MLP with tiny initial weights trains with BatchNorm and stalls without it.",
    lookFor:
      "A (no normalization): with N(0, 0.01^2) weights Var(z) shrinks by orders of magnitude per layer, the " +
      "gradient vanishes toward the input and the loss stays near ln 10. B (BatchNorm before the sigmoid): every " +
      "layer's input is rescaled to mean 0, variance 1 over the batch, and it learns.",
    tryNext: [{ label: "LayerNorm instead", change: { norm: "layer" } }],
    state: {
      ...mnist,
      hidden: layers(10, 64),
      activation: "sigmoid",
      init: "normal(std=0.01)",
      lr: 0.05,
      steps: 1000,
      probeEvery: 20,
    },
    compare: { norm: "batch" },
  }),
];

export function findPreset(id: string | null): Preset | null {
  return PRESETS.find((p) => p.id === id) ?? null;
}
