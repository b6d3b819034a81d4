"""PyTorch peer for `npm run bench`: trains the same MLP workloads and prints samples/s as JSON.

Run with Debian's python3 (python3-torch + libopenblas0-pthread), with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset and OPENBLAS_NUM_THREADS=1 (torch.set_num_threads sets the thread count):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_mlp.py '<json>'
where <json> = {"threads": 1, "seconds": 2, "repeats": 5,
                "workloads": [{"name", "sizes", "activation", "batch", "torch_module"?}]}.
A workload with "torch_module": {"code", "call"} (residual or normalized networks) builds the
module of docs/architectures.md from that code (bench/run.ts passes src/interop/torch-module.ts's);
without it, a plain nn.Sequential MLP.
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


def build_module(w):
    """The network of a workload with an architecture: the module of docs/architectures.md
    (InitlabNet, the code `initlab export torch` writes), given as code and a constructor call."""
    ns = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
    exec(w["torch_module"]["code"], ns)
    ns["SIZES"] = w["sizes"]
    ns["act"] = lambda l, width: ACT[w["activation"]]()
    return eval(w["torch_module"]["call"], ns)


def measure(w, seconds, repeats):
    torch.manual_seed(1)
    net = build_module(w) if "torch_module" in w else build(w["sizes"], w["activation"])
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
