"""core's generator against PyTorch's CPU generator.

The reference numbers below were produced by torch 2.13 (CPU, AVX2/AVX512 kernels) after
``torch.manual_seed``; core must reproduce them bit for bit without torch installed.
Longer outputs are pinned by a digest of their bytes (sha256 of the little-endian array,
first 16 hex digits) plus their first values. The last test draws the same sequences from
both libraries when torch is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import core
from core import random as crandom


def _digest(t: Any) -> str:
    return hashlib.sha256(t.detach().numpy().tobytes()).hexdigest()[:16]


def _bits(t: Any) -> list[float]:
    return t.detach().reshape(-1).tolist()


# ------------------------------------------------------------------ the brief's sequence
def test_seed0_sequence_matches_torch() -> None:
    core.manual_seed(0)
    assert _bits(core.randn(3)) == [1.5409960746765137, -0.293428897857666, -2.1787893772125244]
    assert _bits(core.randn(20))[:3] == [
        -0.35612836480140686, 0.4372227191925049, 0.4913049638271332]
    assert _bits(core.rand(2, dtype=core.float64)) == [0.10973526023744606, 0.5237520594022435]
    assert core.randint(0, 10, (5,)).tolist() == [2, 1, 0, 9, 3]
    assert core.randperm(5).tolist() == [1, 4, 0, 2, 3]


def test_linear_default_init_matches_torch() -> None:
    core.manual_seed(0)
    lin = core.nn.Linear(3, 2)
    w = [[float.fromhex(h) for h in row] for row in (
        ["-0x1.1b47d00000000p-8", "0x1.3d26260000000p-2", "-0x1.e696fc0000000p-2"],
        ["-0x1.b317920000000p-2", "-0x1.c769620000000p-3", "0x1.3d12a60000000p-3"])]
    b = [float.fromhex("-0x1.76d6800000000p-7"), float.fromhex("0x1.d4c2f40000000p-2")]
    assert lin.weight.tolist() == w
    assert lin.bias.tolist() == b
    assert lin.weight.dtype is core.float32


# ------------------------------------------------------------------ a long call sequence
_LIN: list[Any] = []


def _linear(lib: Any) -> Any:
    _LIN[:] = [lib.nn.Linear(3, 2)]
    return _LIN[0].weight


def _steps(lib: Any) -> Iterator[tuple[str, Callable[[], Any]]]:
    """One sequence of calls (0-d, 1, 15, 16, 17, 33 elements, both dtypes, every kind of
    draw) that torch and core run in the same order: each result depends on all before."""
    f64 = lib.float64
    init = lib.nn.init
    yield "randn()", lambda: lib.randn(())
    yield "randn(1)", lambda: lib.randn(1)
    yield "randn(15)", lambda: lib.randn(15)
    yield "randn(16)", lambda: lib.randn(16)
    yield "randn(17)", lambda: lib.randn(17)
    yield "randn(3, 11)", lambda: lib.randn(3, 11)
    yield "rand(())", lambda: lib.rand(())
    yield "rand(15)", lambda: lib.rand(15)
    yield "rand(17, f64)", lambda: lib.rand(17, dtype=f64)
    yield "randn(33, f64)", lambda: lib.randn(33, dtype=f64)
    yield "randn(5, f64)", lambda: lib.randn(5, dtype=f64)
    yield "randint(0, 10, (7,))", lambda: lib.randint(0, 10, (7,))
    yield "randint(-3, 2**30, (4,))", lambda: lib.randint(-3, 2**30, (4,))
    yield "randperm(12)", lambda: lib.randperm(12)
    yield "Linear(3, 2).weight", lambda: _linear(lib)
    yield "Linear.bias", lambda: _LIN[0].bias
    yield "kaiming_normal_(4, 5)", lambda: init.kaiming_normal_(lib.empty(4, 5))
    yield "xavier_uniform_(3, 4)", lambda: init.xavier_uniform_(lib.empty(3, 4))
    yield "uniform_(-2, 3) f64 17", lambda: lib.empty(17, dtype=f64).uniform_(-2, 3)
    yield "normal_(1, .5) 20", lambda: lib.empty(20).normal_(1.0, 0.5)
    yield "randn(1)", lambda: lib.randn(1)


# seed -> [(step, digest, first values)], printed by torch 2.13
_REFERENCE: dict[int, list[tuple[str, str, list[float]]]] = {
    0: [
        ('randn()', '3b8ea0dd3165a760', [1.5409960746765137]),
        ('randn(1)', '1cd90068063b677d', [-0.293428897857666]),
        ('randn(15)', '485cb86354562169', [-2.1787893772125244, 0.5684312582015991]),
        ('randn(16)', '20c6e35e3e872e69', [0.4396958351135254, 0.11241118609905243]),
        ('randn(17)', 'd625157aa235f16b', [-0.23033547401428223, 2.567232847213745]),
        ('randn(3, 11)', 'c86ad0ff01c23e1c', [-0.4000341594219208, 1.0394619703292847]),
        ('rand(())', '79f55d38fd14c251', [0.8579254150390625]),
        ('rand(15)', 'ae58a7998f26972e', [0.4485998749732971, 0.513896107673645]),
        ('rand(17, f64)', 'cfbdd03142ece324', [0.25659200749918054, 0.18865345935188793]),
        ('randn(33, f64)', 'b426be1f0aa7b915', [1.1096535136027106, 0.2756549587110016]),
        ('randn(5, f64)', '0bd57701e4f2ecb2', [0.37311463418249957, 0.15216492436040177]),
        ('randint(0, 10, (7,))', 'b34ca31d8a122550', [5, 7]),
        ('randint(-3, 2**30, (4,))', '8bdadd87703eaad7', [506191769, 239516470]),
        ('randperm(12)', 'bb6f48c17b8a9fe4', [3, 1]),
        ('Linear(3, 2).weight', '3a3fa2ad8da621d8', [-0.30146434903144836, 0.005693728104233742]),
        ('Linear.bias', '4b8873ec997c94fb', [-0.4538825750350952, 0.045372944325208664]),
        ('kaiming_normal_(4, 5)', 'a5943e3ee86c6aaa', [1.2238377332687378, 0.6373159885406494]),
        ('xavier_uniform_(3, 4)', 'f8b67d80c7b51442', [-0.6264023780822754, -0.9133563041687012]),
        ('uniform_(-2, 3) f64 17', '3783992c1cdd340b', [2.87984624929772, -1.3218260983365848]),
        ('normal_(1, .5) 20', '29b6aa5c3988f932', [1.8398463726043701, 0.4880235195159912]),
        ('randn(1)', '98338cd77a080010', [0.2614070773124695]),
    ],
    1: [
        ('randn()', '5fb3d992505cc3ec', [0.6613521575927734]),
        ('randn(1)', 'ccc535fc43c504bf', [0.266924113035202]),
        ('randn(15)', 'df10a087894ed252', [0.06167725846171379, 0.6213173270225525]),
        ('randn(16)', '185773ddbdf9f9f1', [0.1990565061569214, 0.04570277780294418]),
        ('randn(17)', '19afa0a7e1436753', [0.7626006007194519, -0.007547527551651001]),
        ('randn(3, 11)', '3aed8c9e304c400a', [-0.5008130669593811, 0.17163313925266266]),
        ('rand(())', '4c9a1c6fdbdf1a8c', [0.811611533164978]),
        ('rand(15)', '6db110b85dffde23', [0.8553162813186646, 0.8162581920623779]),
        ('rand(17, f64)', '0637b203e370241d', [0.6453893910879508, 0.5375692182831876]),
        ('randn(33, f64)', 'bf8695575e618411', [1.0238053146940875, -1.0755547956904252]),
        ('randn(5, f64)', '546253f2e8f5f601', [-0.5106999992831965, -1.5278273880902573]),
        ('randint(0, 10, (7,))', '6f8044222260a1ae', [4, 4]),
        ('randint(-3, 2**30, (4,))', 'c0802f1183bbc9ac', [690075593, 63303235]),
        ('randperm(12)', '16aec1326bd1f9c4', [3, 8]),
        ('Linear(3, 2).weight', 'e7de950dd2da15be', [-0.20193715393543243, 0.3517559766769409]),
        ('Linear.bias', '88a17d92b70da440', [-0.10964275896549225, -0.21283464133739471]),
        ('kaiming_normal_(4, 5)', 'eec0f9da681422ec', [0.8869125843048096, 0.3061852753162384]),
        ('xavier_uniform_(3, 4)', '36d5eb8e460e6295', [-0.5412673950195312, -0.9070090651512146]),
        ('uniform_(-2, 3) f64 17', '1610bf04d87acb85', [-1.2329622959782398, 1.079430047474427]),
        ('normal_(1, .5) 20', 'e92acb167d163e68', [0.8509829640388489, 0.9343230724334717]),
        ('randn(1)', '76a2344ca38e1261', [0.7438608407974243]),
    ],
    42: [
        ('randn()', 'f4e1275c6e3dd10f', [0.33669036626815796]),
        ('randn(1)', '7f18d11789908ed0', [0.12880940735340118]),
        ('randn(15)', 'a1a4921d5e895787', [0.23446236550807953, 0.23033303022384644]),
        ('randn(16)', '296307873db838a6', [0.3188803195953369, -0.42451897263526917]),
        ('randn(17)', '5b1aba6dfe138c73', [-0.48799172043800354, -0.19733144342899323]),
        ('randn(3, 11)', 'a537019897d1d16b', [0.5246226191520691, 1.1412016153335571]),
        ('rand(())', '2af16d3c230b1611', [0.36242759227752686]),
        ('rand(15)', '2b5bc24793d7204c', [0.3083369731903076, 0.08496475219726562]),
        ('rand(17, f64)', '76508ef6e014a9c6', [0.006669421279685617, 0.5616610555457975]),
        ('randn(33, f64)', '87c482b55a427714', [-0.28742284714076166, -0.7930321767525238]),
        ('randn(5, f64)', '5818b205764c534c', [0.8171897708378104, -0.559402811713852]),
        ('randint(0, 10, (7,))', '654c6fb3d2553be8', [0, 8]),
        ('randint(-3, 2**30, (4,))', '22a2796c4b8da0fd', [567097308, 74779280]),
        ('randperm(12)', 'e63e2dbb8caa43dc', [8, 7]),
        ('Linear(3, 2).weight', 'e9838ddb46c2de99', [0.3870698809623718, 0.5692024230957031]),
        ('Linear.bias', '59ad03582de2ab8a', [0.4275762438774109, 0.2959762215614319]),
        ('kaiming_normal_(4, 5)', 'bff0397e2e8dd438', [0.29418712854385376, 0.23488861322402954]),
        ('xavier_uniform_(3, 4)', 'a1b4825f153b4fce', [-0.3462825119495392, -0.5271106362342834]),
        ('uniform_(-2, 3) f64 17', '05e57845e3e49154', [1.3553170732697075, -1.7436701854803758]),
        ('normal_(1, .5) 20', '50e03b1bf4d65c9f', [1.0763568878173828, 0.9805988073348999]),
        ('randn(1)', '08940b063372a4cb', [1.5357123613357544]),
    ],
}


@pytest.mark.parametrize("seed", sorted(_REFERENCE))
def test_call_sequence_matches_torch_reference(seed: int) -> None:
    core.manual_seed(seed)
    for (name, fn), (ref_name, digest, first) in zip(_steps(core), _REFERENCE[seed],
                                                       strict=True):
        assert name == ref_name
        out = fn()
        assert _bits(out)[:2] == first, name
        assert _digest(out) == digest, name


def test_seed_uses_low_32_bits_like_torch() -> None:
    core.manual_seed(1)
    a = core.randn(40)
    core.manual_seed(2**32 + 1)
    assert core.randn(40).equal(a)
    assert core.initial_seed() == 2**32 + 1


# ------------------------------------------------------------------ generator behaviour
def test_manual_seed_resets_the_cached_normal() -> None:
    core.manual_seed(0)
    first = _bits(core.randn(1))  # leaves the second Box-Muller sample cached
    core.manual_seed(0)
    assert _bits(core.randn(1)) == first
    assert _bits(core.randn(1)) == [-0.293428897857666]  # the cached one


def test_big_normals_leave_the_cache_alone() -> None:
    core.manual_seed(0)
    core.randn(1)
    core.randn(100)  # the block path neither uses nor clears the cache
    assert _bits(core.randn(1)) == [-0.293428897857666]


def test_generators_are_independent() -> None:
    core.manual_seed(0)
    g = core.Generator().manual_seed(0)
    a = core.randn(5, generator=g)
    assert core.randn(5).equal(a)
    assert core.rand(4, generator=g).equal(core.rand(4))
    fresh = core.Generator()
    assert fresh.initial_seed() == 67280421310721  # torch.Generator()'s default seed
    assert core.randint(0, 100, (3,), generator=fresh).tolist() == [10, 84, 37]


def test_state_round_trip() -> None:
    core.manual_seed(5)
    core.randn(3)
    state = core.get_rng_state()
    assert state.shape == (5056,) and 0 <= min(state.tolist()) and max(state.tolist()) <= 255
    a, b = core.randn(7), core.randint(0, 9, (4,))
    core.manual_seed(123)
    core.set_rng_state(state)
    assert core.randn(7).equal(a) and core.randint(0, 9, (4,)).equal(b)
    assert core.initial_seed() == 5
    with pytest.raises(RuntimeError):
        core.set_rng_state(core.tensor([1, 2, 3]))


def test_negative_and_huge_seeds_wrap_like_torch() -> None:
    core.manual_seed(-1)
    assert core.initial_seed() == 2**64 - 1
    with pytest.raises(ValueError):
        core.manual_seed(2**64)
    assert core.manual_seed(3) is core.default_generator


def test_import_seeds_randomly() -> None:
    code = "import core; print(core.initial_seed())"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    seeds = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env=env).stdout for _ in range(2)}
    assert len(seeds) == 2


def test_seed_returns_the_new_seed() -> None:
    s = core.seed()
    assert core.initial_seed() == s
    a = core.rand(3)
    core.manual_seed(s)
    assert core.rand(3).equal(a)


# ------------------------------------------------------------------ API surface
def test_randint_signatures_and_dtypes() -> None:
    core.manual_seed(9)
    a = core.randint(10, (4,))
    core.manual_seed(9)
    assert core.randint(0, 10, size=(4,)).equal(a)
    assert core.randint(0, 10, (2, 3), dtype=core.float32).dtype is core.float32
    assert core.randint_like(core.zeros(6), 4, 9).dtype is core.float32
    with pytest.raises(RuntimeError):
        core.randint(5, 5, (2,))


def test_like_factories_and_requires_grad() -> None:
    x = core.zeros(2, 3, dtype=core.float64)
    assert core.rand_like(x).dtype is core.float64 and core.randn_like(x).shape == (2, 3)
    r = core.randn(4, requires_grad=True)
    assert r.requires_grad and r.is_leaf
    with pytest.raises(RuntimeError, match="leaf Variable"):
        r.normal_()
    with core.no_grad():
        r.uniform_(-1, 1)
    assert all(-1 <= v < 1 for v in r.tolist())


def test_in_place_fills_keep_identity_and_bump_version() -> None:
    t = core.zeros(20)
    v = t._version
    assert t.uniform_(2, 3) is t and t._version == v + 1
    assert all(2 <= x < 3 for x in t.tolist())
    assert t.normal_(0, 0.1) is t


def test_randperm_is_a_permutation() -> None:
    for n in (0, 1, 2, 50):
        assert sorted(core.randperm(n).tolist()) == list(range(n))


def test_exact_fma_emulation() -> None:
    """The kernels' fused multiply-adds: float32 ties that a float64 sum would round the
    wrong way, and float64 against exact fractions."""
    from fractions import Fraction

    a, b, c = np.float32(2**-24 + 2**-47), np.float32(1 - 2**-23), np.float32(1 + 2**-23)
    assert crandom._fma32(a, b, c) == np.float32(1 + 2**-23)
    assert np.float32(np.float64(a) * np.float64(b) + np.float64(c)) != np.float32(1 + 2**-23)
    x = np.random.default_rng(0).random(2000)
    for mul, add in ((0.6, -0.3), (1.1547005383792517, -0.5773502691896258), (3.3, 1.5)):
        got = crandom._fma64(x, mul, add)
        exact = [float(Fraction(float(v)) * Fraction(mul) + Fraction(add)) for v in x]
        assert got.tolist() == exact


def test_randn_million_is_standard_normal() -> None:
    """The vectorised path (its speed is measured in benchmarks/engine_bench.py rng)."""
    x = core.randn(1000, 1000)
    assert x.shape == (1000, 1000)
    assert abs(float(x.mean())) < 0.01 and abs(float(x.std()) - 1) < 0.01


# ------------------------------------------------------------------ against torch itself
def _same(c: Any, t: Any, what: str) -> None:
    cn, tn = c.detach().numpy(), t.detach().numpy()
    assert cn.dtype == tn.dtype and cn.shape == tn.shape, what
    assert np.array_equal(cn, tn), what


# A draw of each kind in both libraries, its arguments drawn from `rng` (numpy's, in a fixed
# order): (kind) -> f(torch, rng, shape, dtype name) -> [(core result, torch result, note)]
def _draw_rand_or_randn(kind: str) -> Any:
    def draw(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list[tuple[Any, Any, str]]:
        return [(getattr(core, kind)(shape, dtype=getattr(core, dt)),
                 getattr(torch, kind)(shape, dtype=getattr(torch, dt)), "")]
    return draw


def _draw_randint(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list:
    lo = int(rng.integers(-50, 50))
    hi = lo + int(rng.choice([1, 7, 1000, 2**28 - 1, 2**28, 2**33]))
    return [(core.randint(lo, hi, shape), torch.randint(lo, hi, shape), "")]


def _draw_randperm(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list:
    n = int(rng.integers(0, 300))
    return [(core.randperm(n), torch.randperm(n), "")]


def _draw_uniform(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list:
    a = float(rng.normal())
    b = a + float(rng.random()) * 3
    return [(core.empty(shape, dtype=getattr(core, dt)).uniform_(a, b),
             torch.empty(shape, dtype=getattr(torch, dt)).uniform_(a, b), "")]


def _draw_normal(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list:
    m, s = float(rng.normal()), float(rng.random()) * 2
    return [(core.empty(shape, dtype=getattr(core, dt)).normal_(m, s),
             torch.empty(shape, dtype=getattr(torch, dt)).normal_(m, s), "")]


def _draw_linear(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list:
    i, o = int(rng.integers(1, 40)), int(rng.integers(1, 40))
    lc, lt = core.nn.Linear(i, o), torch.nn.Linear(i, o)
    return [(lc.weight, lt.weight, ""), (lc.bias, lt.bias, "")]


def _draw_init(torch: Any, rng: Any, shape: tuple[int, ...], dt: str) -> list:
    name = str(rng.choice(["uniform_", "normal_", "kaiming_uniform_",
                           "kaiming_normal_", "xavier_uniform_", "xavier_normal_"]))
    shp = (int(rng.integers(1, 30)), int(rng.integers(1, 30)))
    return [(getattr(core.nn.init, name)(core.empty(shp, dtype=getattr(core, dt))),
             getattr(torch.nn.init, name)(torch.empty(shp, dtype=getattr(torch, dt))),
             f" {name}")]


_DRAWS = {"rand": _draw_rand_or_randn("rand"), "randn": _draw_rand_or_randn("randn"),
          "randint": _draw_randint, "randperm": _draw_randperm, "uniform_": _draw_uniform,
          "normal_": _draw_normal, "linear": _draw_linear, "init": _draw_init}


def test_differential_against_torch() -> None:
    torch = pytest.importorskip("torch")
    if torch.backends.cpu.get_cpu_capability() not in ("AVX2", "AVX512"):
        pytest.skip("torch's float32 normal kernel differs without AVX2")

    rng = np.random.default_rng(1234)
    for seed in [0, 1, 5, 2**31 + 7, int(rng.integers(2**62))]:
        torch.manual_seed(seed)
        core.manual_seed(seed)
        for _ in range(40):
            shape = tuple(int(s) for s in rng.integers(1, 9, size=int(rng.integers(0, 4))))
            if rng.random() < 0.25:
                shape = (int(rng.integers(0, 70)),)
            dt = "float32" if rng.random() < 0.6 else "float64"
            kind = rng.choice(["rand", "randn", "randint", "randperm", "uniform_", "normal_",
                               "linear", "init"])
            what = f"seed {seed} {kind} {shape} {dt}"
            for c, t, note in _DRAWS[str(kind)](torch, rng, shape, dt):
                _same(c, t, what + note)
        # non-contiguous fills go in memory order, through the element-wise path
        ct, tt = core.empty(6, 5), torch.empty(6, 5)
        ct.t().normal_()
        tt.t().normal_()
        _same(ct, tt, f"seed {seed} transposed normal_")
        # a large draw, and the state carried across
        _same(core.randn(100_003), torch.randn(100_003), f"seed {seed} large randn")
        _same(core.randn(4099, dtype=core.float64), torch.randn(4099, dtype=torch.float64),
              f"seed {seed} large randn f64")
        assert core.get_rng_state().tolist() == torch.get_rng_state().tolist()


def test_state_interchange_with_torch() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(8)
    torch.randn(5)
    core.set_rng_state(torch.get_rng_state())
    assert _bits(core.randn(3)) == torch.randn(3).tolist()
    torch.set_rng_state(torch.tensor(core.get_rng_state().tolist(), dtype=torch.uint8))
    assert _bits(core.rand(9)) == torch.rand(9).tolist()
    g = torch.Generator()
    assert core.Generator().get_state().tolist() == g.get_state().tolist()
