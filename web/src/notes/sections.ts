/**
 * The study notes (docs/notes/notes-en.md, an English rendering of docs/notes/notes-vi.txt), section
 * by section, as the notes page shows them: paragraphs with $inline$ TeX, $$display$$ formulas on
 * their own, list items starting with "- ", and after a claim the id of the live lab that runs it.
 */
export interface NoteSection {
  id: string;
  title: string;
  /** Blocks: a paragraph, "- " a list item, "$$...$$" a display formula, "lab:<id>" a live lab. */
  blocks: string[];
}

export const SECTIONS: readonly NoteSection[] = [
  {
    id: "objective",
    title: "Objective",
    blocks: [
      "Weight initialization for deep neural networks (zeros, random uniform/normal, Xavier/Glorot, He/Kaiming, ...), and why it decides whether a deep network learns at all.",
    ],
  },
  {
    id: "results",
    title: "Experimental results (claims to reproduce)",
    blocks: [
      '**1. ReLU on raw pixels does not learn.** An MLP on MNIST with pixel values left in 0..255: with ReLU the loss stays flat at a high value ("stuck at 10"): the steps are far too large, because a ReLU passes 255 (or 0) straight through, so activations and gradients are huge. Normalizing the input fixes it.',
      "**2. Sigmoid is more stable there**, because its output is always squashed into $(0, 1)$. Conclusion of the notes: ReLU is not always better than sigmoid; it depends on the data scale and the initialization.",
      "lab:raw-pixels",
      "**3. Gradient vanishing** appears when there are too many layers: the updates of the early layers become too small to have any effect. The notes compute it by hand for a sigmoid network with 5 layers and with 8 layers: each sigmoid layer multiplies the gradient by at most $\\sigma'(z) \\le 1/4$.",
      "lab:vanishing",
      "**4. Gradient explosion**: large initial weights together with a large learning rate; the derivatives grow out of balance, the opposite of vanishing.",
      "lab:exploding",
      "**5. PReLU** (a ReLU with a learnable negative slope) fixes the **dying ReLU** problem (units that output 0 for every input and never recover).",
      "lab:dying-relu",
    ],
  },
  {
    id: "probability",
    title: "The probability the derivation needs",
    blocks: [
      "- Mean: $E[X] = \\sum_x x\\,P(x)$ (discrete), $E[X] = \\int x f(x)\\,dx$ (continuous).",
      "- Variance: $\\mathrm{Var}(X) = E[(X - \\mu)^2] = E[X^2] - \\mu^2$ (expanding, the term $\\mu^2 \\sum P(x)$ drops to $\\mu^2$ because the probabilities sum to 1).",
      "- For independent $X, Y$:",
      "$$\\mathrm{Var}(X + Y) = \\mathrm{Var}(X) + \\mathrm{Var}(Y)$$",
      "$$\\mathrm{Var}(XY) = E[X]^2\\,\\mathrm{Var}(Y) + E[Y]^2\\,\\mathrm{Var}(X) + \\mathrm{Var}(X)\\,\\mathrm{Var}(Y)$$",
      "which is $\\mathrm{Var}(X)\\,\\mathrm{Var}(Y)$ when both means are 0.",
      "- Uniform $U(a, b)$: $f(x) = 1/(b - a)$, $E[X] = (a + b)/2$, $E[X^2] = (a^2 + ab + b^2)/3$, $\\mathrm{Var}(X) = (b - a)^2/12$; for $U(-r, r)$: $\\mathrm{Var} = r^2/3$.",
      "- Normal $N(\\mu, \\sigma^2)$: the Gaussian density. Near 0 (Maclaurin = Taylor at 0): $\\tanh(x) \\approx x$ and $\\mathrm{sigmoid}(x) \\approx 1/2 + x/4$.",
      "lab:moments",
    ],
  },
  {
    id: "xavier",
    title: "Xavier / Glorot initialization",
    blocks: [
      "- Assumes inputs normalized (to $[-1, 1]$ or z-scored) and a symmetric, near-linear activation at 0 (sigmoid and tanh were the activations of that time).",
      "- One layer: $z = \\sum_{i=1}^{n_{in}} w_i x_i + b$, $b = 0$, all $w_i, x_i$ independent, zero mean:",
      "$$\\mathrm{Var}(z) = n_{in}\\,\\mathrm{Var}(w)\\,\\mathrm{Var}(x)$$",
      "- **Variance flow**: if the variance stays the same from layer to layer, forward for the activations and backward for the gradients, there is neither vanishing nor explosion. Since $z \\to a$ repeats in every hidden layer, it is enough to check that one step $z \\to a$ keeps the variance.",
      "- Forward: $n_{in}\\,\\mathrm{Var}(w) = 1$. Backward: $n_{out}\\,\\mathrm{Var}(w) = 1$. Compromise:",
      "$$\\mathrm{Var}(w) = \\frac{2}{n_{in} + n_{out}}$$",
      "- Uniform: $w \\sim U(-r, r)$ with $r = \\sqrt{6/(n_{in} + n_{out})}$. Normal: $w \\sim N(0, 2/(n_{in} + n_{out}))$.",
      "- Middle layers: tanh is symmetric around 0 ($\\tanh(x) \\approx x$), so the same condition holds. Sigmoid is shifted: $\\mathrm{sigmoid}(x) \\approx 1/2 + x/4$, its slope is $1/4$, so its weights need a variance 16 times larger (a 4 times larger bound) to keep the signal's variance.",
      "lab:xavier",
      "- He / Kaiming (for ReLU, which zeroes half of a symmetric input):",
      "$$\\mathrm{Var}(w) = \\frac{2}{n_{in}}$$",
      "lab:he",
    ],
  },
  {
    id: "tool",
    title: "What the notes ask of a tool",
    blocks: [
      'Practise "by hand" and check it: for any depth, width, activation and initialization, show the variance of the activations and of the gradients, layer by layer, as the theory predicts it and as it is measured; and show what happens to training. That is the lab: every live lab above opens there in full.',
    ],
  },
];
