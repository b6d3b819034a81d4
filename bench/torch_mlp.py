"""PyTorch peer for `npm run bench`: trains the same MLP workloads and prints samples/s as JSON.

Run with Debian's python3 (python3-torch + libopenblas0-pthread), with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset and OPENBLAS_NUM_THREADS=1 (torch.set_num_threads sets the thread count):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_mlp.py '<json>'
where <json> = {"threads": 1, "seconds": 2, "repeats": 5, "workloads": [{"name", "sizes", "activation", "batch", "arch"?}]}.
A workload with "arch": {"residual": m, "norm": "layer" | "batch"} is the residual network of
docs/architectures.md (ResidualMLP below); without it, a plain nn.Sequential MLP.
"""
import json
import sys
import time

import torch

ACT = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh}


def build(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(ACT[activation]())
    return torch.nn.Sequential(*layers)


class ResidualMLP(torch.nn.Module):
    """initlab's residual network (docs/architectures.md) with sizes [d, h, ..., h, out] and m dense
    layers per branch: x_0 = W_0 x + b_0; L = (hidden - 1) / m pre-activation blocks
    x_{l+1} = x_l + alpha F_l(x_l), F_l(x) = W_{l,m} phi(N(... W_{l,1} phi(N(x)) + b_{l,1} ...)) + b_{l,m};
    read-out W_out phi(N(x_L)) + b_out. N is LayerNorm(h) or BatchNorm1d(h) (eps 1e-5, affine)."""

    def __init__(self, sizes, activation, m, norm, alpha=1.0):
        super().__init__()
        h = sizes[1]
        hidden = len(sizes) - 2
        assert all(s == h for s in sizes[1:-1]) and (hidden - 1) % m == 0, "residual: 1 + m k equal hidden layers"
        blocks = (hidden - 1) // m
        make_norm = (lambda: torch.nn.LayerNorm(h)) if norm == "layer" else (lambda: torch.nn.BatchNorm1d(h))
        self.alpha = alpha
        self.act = ACT[activation]()
        self.stem = torch.nn.Linear(sizes[0], h)
        self.norms = torch.nn.ModuleList(
            torch.nn.ModuleList(make_norm() for _ in range(m)) for _ in range(blocks)
        )
        self.linears = torch.nn.ModuleList(
            torch.nn.ModuleList(torch.nn.Linear(h, h) for _ in range(m)) for _ in range(blocks)
        )
        self.norm_out = make_norm()
        self.head = torch.nn.Linear(h, sizes[-1])

    def forward(self, x):
        s = self.stem(x)
        for norms, linears in zip(self.norms, self.linears):
            u = s
            for n, lin in zip(norms, linears):
                u = lin(self.act(n(u)))
            s = s + self.alpha * u
        return self.head(self.act(self.norm_out(s)))


def measure(w, seconds, repeats):
    torch.manual_seed(1)
    arch = w.get("arch")
    if arch:
        net = ResidualMLP(w["sizes"], w["activation"], arch["residual"], arch["norm"])
    else:
        net = build(w["sizes"], w["activation"])
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    B = w["batch"]
    x = torch.randn(B, w["sizes"][0])
    y = torch.randint(0, w["sizes"][-1], (B,))

    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    # steps per timed repeat: enough to fill `seconds / repeats`
    t0 = time.perf_counter()
    n = 0
    while time.perf_counter() - t0 < 0.2:
        step()
        n += 1
    per = max(1, int(n * (seconds / repeats) / 0.2))
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(per):
            step()
        rates.append(per * B / (time.perf_counter() - t0))
    rates.sort()
    return rates[len(rates) // 2]


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg["threads"])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": {}}
    for w in cfg["workloads"]:
        out["results"][w["name"]] = measure(w, cfg["seconds"], cfg["repeats"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
