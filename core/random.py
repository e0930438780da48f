"""The random number generator: PyTorch's CPU generator, number for number.

After ``core.manual_seed(s)`` the engine draws exactly what ``torch.manual_seed(s)`` would
on the CPU, so a script gives the same numbers with ``import core as torch`` as with
torch itself (same weights from ``nn.Linear``, same ``randn`` data). That means
reproducing, in vectorised numpy, what ATen does:

* the engine is mt19937 seeded with ``init_genrand(seed & 0xffffffff)``: numpy's
  ``MT19937`` with ``_legacy_seeding`` is that generator, and ``random_raw`` hands out its
  32-bit words in bulk. ``random()`` is one word, ``random64()`` is ``hi << 32 | lo`` of
  the next two.
* uniform: float32 takes ``(word & (2**24 - 1)) * 2**-24``, float64
  ``(random64 & (2**53 - 1)) * 2**-53``; then ``x * (to - from) + from`` in the tensor's
  dtype, compiled as one fused multiply-add (emulated exactly here).
* normal: a contiguous tensor of 16 or more elements is filled with uniforms first, then
  Box-Muller runs over blocks of 16 (``u1 = 1 - d[j]``, ``u2 = d[j + 8]``); a ragged tail
  redraws the last 16 uniforms and redoes that block. Float32 goes through ATen's AVX2
  routine (Cephes polynomials for log and sincos, with the compiler's FMA contractions),
  ported here operation by operation; float64 uses libm's log, cos and sin. Smaller or
  non-contiguous tensors take ``normal_distribution<double>``: one pair of random64
  uniforms makes two samples, the second cached on the generator for the next draw.
* ``randint`` is ``word % range + low`` (``random64`` once the range reaches 2**28) and
  ``randperm`` is ATen's Fisher-Yates, one ``random() % (n - i)`` per step.

``ATEN_CPU_CAPABILITY=default`` (a CPU without AVX2) makes torch's float32 ``randn`` take
another code path whose last bits differ; everything else is exact.
"""

from __future__ import annotations

import math
import secrets
import struct
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "Generator",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]

_DEFAULT_SEED = 67280421310721  # ATen's default_rng_seed_val: a fresh torch.Generator()
_U64 = (1 << 64) - 1
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState), the layout torch.get_rng_state() uses
_N = 624  # mt19937 state words


class Generator:
    """A CPU random generator with torch.Generator's interface and torch's stream."""

    device = "cpu"

    def __init__(self, device: Any = "cpu") -> None:
        if str(device) != "cpu":
            raise RuntimeError(f"Chainrule runs on the CPU only, not {device}")
        self._bits = np.random.MT19937(0)
        self._reset(_DEFAULT_SEED)

    def _reset(self, seed: int) -> None:
        self._seed = seed
        self._bits._legacy_seeding(seed & 0xFFFFFFFF)
        self._fresh = True  # no word drawn since seeding (only get_state tells)
        # torch's next_double_normal_sample / next_float_normal_sample, cleared on reseed
        self._next_double: float | None = None
        self._next_float: float | None = None

    def manual_seed(self, seed: Any) -> Generator:
        """Seed as torch does: any int in [-2**63, 2**64), negatives wrapping mod 2**64."""
        s = int(seed)
        if not -(1 << 63) <= s <= _U64:
            raise ValueError("Overflow when unpacking long long")
        self._reset(s & _U64)
        return self

    def seed(self) -> int:
        """Reseed from the OS's entropy and return the seed (torch.seed())."""
        s = secrets.randbits(63)
        self._reset(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    # ------------------------------------------------------------------ state
    def get_state(self) -> Any:
        """The state as torch lays it out (5056 bytes, values 0-255 in an int64 tensor:
        core has no uint8), so ``torch.set_rng_state(torch.tensor(s.tolist(),
        dtype=torch.uint8))`` continues the same stream in torch, and back."""
        from .creation import tensor

        return tensor(list(self._state_bytes()))

    def _state_bytes(self) -> bytes:
        st = self._bits.state["state"]
        pos = int(st["pos"])
        # numpy's pos counts words used of the current block; torch keeps left_ = 625 - pos
        # and next_ = pos, except that a freshly seeded engine has left_ = 1, next_ = 0
        left, nxt = (1, 0) if self._fresh else (_N + 1 - pos, pos)
        head = struct.pack("<QiiQ", self._seed, left, 1, nxt)
        words = np.asarray(st["key"], np.uint64).astype("<u8").tobytes()
        y = self._next_double
        tail = struct.pack("<dddi", 0.0, 0.0 if y is None else y, 0.0, y is not None)
        f = self._next_float
        tail += struct.pack("<4xf?3x", 0.0 if f is None else f, f is not None)
        out = head + words + tail
        assert len(out) == _STATE_BYTES
        return out

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state from ``get_state`` (core's or torch's)."""
        data = getattr(new_state, "_data", new_state)
        if hasattr(data, "numpy"):  # a torch tensor
            data = data.numpy()
        raw = np.asarray(data).astype(np.uint8).tobytes()
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(f"Expected either a THGeneratorState of size 5048 or a "
                               f"CPUGeneratorImplState of size {_STATE_BYTES} but found the "
                               f"input RNG state size to be {len(raw)}")
        seed, left, _seeded, _nxt = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, "<u8", _N, 24).astype(np.uint32)
        _x, y, _rho, y_valid = struct.unpack_from("<dddi", raw, 24 + 8 * _N)
        f, f_valid = struct.unpack_from("<f?", raw, 5048)
        self._seed = seed
        self._fresh = left <= 1 and _nxt == 0
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": key, "pos": _N if left <= 1 else _N + 1 - left}}
        self._next_double = y if y_valid else None
        self._next_float = float(f) if f_valid else None
        return self

    def __repr__(self) -> str:
        return "<core.Generator object>"

    # ------------------------------------------------------------------ raw draws
    def _random(self, n: int) -> np.ndarray:
        """``n`` calls of ATen's ``random()``: 32-bit words (as uint64)."""
        if not n:
            return np.zeros(0, np.uint64)
        self._fresh = False
        return self._bits.random_raw(n)

    def _random64(self, n: int) -> np.ndarray:
        """``n`` calls of ``random64()``: the first word of each pair is the high half."""
        w = self._random(2 * n)
        return (w[0::2] << np.uint64(32)) | w[1::2]

    def _uniform01(self, n: int, dtype: np.dtype) -> np.ndarray:
        """``n`` draws of ``uniform_real_distribution<T>(0, 1)`` in ``dtype``."""
        if dtype == np.float32:
            w = self._random(n) & np.uint64(0xFFFFFF)
            return w.astype(np.float32) * np.float32(2.0**-24)
        w = self._random64(n) & np.uint64((1 << 53) - 1)
        return w.astype(np.float64) * 2.0**-53


default_generator = Generator()
default_generator.seed()  # like torch: every process starts from a different seed


def _gen(generator: Generator | None) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a core.Generator, got {type(generator).__name__}")
    return generator


def manual_seed(seed: Any) -> Generator:
    """Seed the default generator; the numbers that follow are torch's for that seed."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    default_generator.set_state(new_state)


# ====================================================================== exact fused multiply-add
def _fma32(a: Any, b: Any, c: Any) -> np.ndarray:
    """``fmaf(a, b, c)`` elementwise, correctly rounded, for float32 operands (in the
    normal range, as everywhere here): their product is exact in float64, so the float64
    sum is off only by its own rounding, and that can mislead the final rounding to
    float32 only where the sum lands exactly halfway between two float32s; those few
    are settled from the sum's exact error term."""
    p = np.multiply(a, b, dtype=np.float64)
    s = np.atleast_1d(np.add(p, c, dtype=np.float64))
    r = s.astype(np.float32)
    tie = (s.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
    if tie.any():
        i = np.nonzero(tie)
        pi = np.broadcast_to(p, s.shape)[i]
        ci = np.broadcast_to(np.asarray(c, np.float64), s.shape)[i]
        _, err = _two_sum(pi, ci)
        # s is the halfway point: the exact value lies on err's side of it (ties to even,
        # as astype rounded, only when err is 0); a float64 step off s rounds to that side
        above = np.nextafter(s[i], np.inf).astype(np.float32)
        below = np.nextafter(s[i], -np.inf).astype(np.float32)
        r[i] = np.where(err > 0, above, np.where(err < 0, below, r[i]))
    return r.reshape(np.broadcast_shapes(np.shape(p), np.shape(c)))


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """``fma(a, b, c)`` over a float64 array with scalar ``b`` and ``c``, correctly
    rounded. Error-free transforms (Dekker's product, Knuth's two-sum) give the exact
    value as ``r + d + v_err``, ``r`` being the rounded ``r + d``; ``r`` is the answer
    unless ``v_err`` can push ``r + d`` across a halfway point (or the spacing changes at
    a power of two, or the product's error underflows): those rare elements are
    recomputed exactly with fractions."""
    a = np.asarray(a, np.float64)
    b, c = float(b), float(c)
    if c == 0.0 or b == 1.0:  # one rounding either way: the plain operation is the fma
        return a * b + c if c == 0.0 else a + c
    with np.errstate(over="ignore", invalid="ignore"):
        p = a * b
        ta = a * 134217729.0  # 2**27 + 1, Dekker's splitter
        ah = ta - (ta - a)
        al = a - ah
        tb = b * 134217729.0
        bh = tb - (tb - b)
        bl = b - bh
        e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
        s, t = _two_sum(p, c)
        v, v_err = _two_sum(t, e)
        r, d = _two_sum(s, v)
        mant = np.frexp(r)[0]
        suspect = (np.abs(np.abs(d) - np.spacing(np.abs(r)) * 0.5) <= np.abs(v_err) * 2) & (
            v_err != 0)
        suspect |= (np.abs(mant) == 0.5) | ((np.abs(p) < 1e-280) & (p != 0))
        suspect &= np.isfinite(a)
    r = np.array(r, np.float64)
    if math.isfinite(b) and math.isfinite(c) and suspect.any():
        fb, fc = Fraction(b), Fraction(c)
        for i in zip(*np.nonzero(suspect)) if r.ndim else [()]:
            r[i] = float(Fraction(float(a[i])) * fb + fc)
    return r


def _fma(a: np.ndarray, b: Any, c: Any, dtype: np.dtype) -> np.ndarray:
    return _chunked(_fma32 if dtype == np.float32 else _fma64, a, b, c)


_CHUNK = 1 << 16  # elements per pass: temporaries stay in cache, several times faster


def _chunked(fn: Any, a: np.ndarray, *args: Any) -> np.ndarray:
    """``fn(a, *args)`` over slices of ``a``'s first axis of about ``_CHUNK`` elements."""
    if a.ndim == 0:
        return fn(a, *args)
    rows = max(1, _CHUNK // max(1, a[:1].size))
    if len(a) <= rows:
        return fn(a, *args)
    return np.concatenate([fn(a[i:i + rows], *args) for i in range(0, len(a), rows)])


# ====================================================================== kernels
def _write(arr: np.ndarray, values: np.ndarray) -> None:
    """Store ``values`` in ``arr`` in memory order, the order ATen's serial kernels fill
    a tensor in (for a contiguous tensor, the usual row-major order)."""
    if arr.flags.c_contiguous:
        arr.reshape(-1)[...] = values
        return
    order = sorted(range(arr.ndim), key=lambda k: -abs(arr.strides[k]))
    view = arr.transpose(order)
    view[...] = values.reshape(view.shape)


def uniform_(arr: np.ndarray, low: float = 0.0, high: float = 1.0,
             generator: Generator | None = None) -> np.ndarray:
    """Fill a float array with U[low, high) as ``Tensor.uniform_`` does."""
    if arr.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f'"uniform_kernel_cpu" not implemented for {arr.dtype}')
    dt = arr.dtype.type
    lo, hi = dt(low), dt(high)
    if not lo <= hi:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={low} > to={high}")
    x = _gen(generator)._uniform01(arr.size, arr.dtype)
    if not (lo == 0 and hi == 1):
        x = _fma(x, dt(hi - lo), lo, arr.dtype)
    _write(arr, x)
    return arr


def _box_muller_avx2(d: np.ndarray, mean: float, std: float) -> np.ndarray:
    """ATen's ``normal_fill_16_AVX2`` on rows of 16 float32 uniforms: ``log256_ps`` and
    ``sincos256_ps`` (Cephes, via avx_mathfun.h) step by step, with FMAs exactly where
    GCC contracts the multiply-adds of that code."""
    f = np.float32
    u1 = f(1) - d[:, :8]
    u2 = d[:, 8:]
    radius = np.sqrt(f(-2) * _log256(u1))
    sin, cos = _sincos256(f(2.0 * math.pi) * u2)
    n1, n2 = radius * cos, radius * sin
    if std == 1:  # fma(n, 1, mean) rounds once, as n + mean does
        return np.concatenate([n1 + f(mean), n2 + f(mean)], axis=1)
    return np.concatenate([_fma32(n1, f(std), f(mean)), _fma32(n2, f(std), f(mean))], axis=1)


_LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
          3.3333331174e-1]  # fmt: skip


def _log256(x: np.ndarray) -> np.ndarray:
    """avx_mathfun's ``log256_ps`` for positive float32 input."""
    f = np.float32
    x = np.maximum(x, np.array(0x00800000, np.int32).view(f))  # no denormals
    bits = x.view(np.int32)
    e = ((bits.view(np.uint32) >> 23).astype(np.int32) - 0x7F).astype(f) + f(1)
    x = ((bits & np.int32(~0x7F800000)) | np.int32(0x3F000000)).view(f)  # mantissa in [.5, 1)
    small = x < f(0.707106781186547524)
    tmp = np.where(small, x, f(0))
    x = x - f(1)
    e = e - np.where(small, f(1), f(0))
    x = x + tmp
    z = x * x
    y = np.full_like(x, f(_LOG_P[0]))
    for p in _LOG_P[1:]:
        y = _fma32(y, x, f(p))
    y = y * x
    y = _fma32(y, z, e * f(-2.12194440e-4))
    y = y - z * f(0.5)
    x = x + y
    return _fma32(e, f(0.693359375), x)


def _sincos256(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """avx_mathfun's ``sincos256_ps``."""
    f = np.float32
    sign_sin = np.signbit(x)
    x = np.abs(x)
    j = (x * f(1.27323954473516)).astype(np.int32)  # 4 / pi, truncated
    j = (j + 1) & ~1
    y = j.astype(f)
    sign_sin = sign_sin ^ ((j & 4) != 0)
    poly = (j & 2) == 0
    sign_cos = (~(j - 2) & 4) != 0
    x = _fma32(y, f(-0.78515625), x)
    x = _fma32(y, f(-2.4187564849853515625e-4), x)
    x = _fma32(y, f(-3.77489497744594108e-8), x)
    z = x * x
    yc = _fma32(f(2.443315711809948e-5), z, f(-1.388731625493765e-3))
    yc = _fma32(yc, z, f(4.166664568298827e-2))
    yc = _fma32(yc * z, z, -(z * f(0.5))) + f(1)
    ys = _fma32(f(-1.9515295891e-4), z, f(8.3321608736e-3))
    ys = _fma32(ys, z, f(-1.6666654611e-1))
    ys = _fma32(ys * z, x, x)
    sin = np.where(poly, ys, yc)
    cos = np.where(poly, yc, ys)
    return np.where(sign_sin, -sin, sin), np.where(sign_cos, -cos, cos)


_AGREES: dict[str, bool] = {}


def _libm_or_numpy(name: str, x: np.ndarray) -> np.ndarray:
    """``math.<name>`` elementwise, through numpy's ufunc when a probe of 4096 arguments
    shows that this numpy build returns libm's bits for it (it calls libm, or its own
    code happens to agree); a SIMD variant that differs would show up in the probe."""
    if name not in _AGREES:
        probe = np.random.default_rng(0).random(4096) * 7.0
        _AGREES[name] = bool(np.array_equal(getattr(np, name)(probe),
                                            _libm(getattr(math, name), probe)))
    if _AGREES[name]:
        return getattr(np, name)(x)
    return _libm(getattr(math, name), x)


def _libm(fn: Any, x: np.ndarray) -> np.ndarray:
    """``fn`` (a ``math`` function: the C library's, which ATen calls too) elementwise.
    numpy brings its own SIMD log, log1p (and on some builds sin and cos) that differ from
    libm in the last bit now and then; this is one C-level pass per call, no Python loop."""
    return np.fromiter(map(fn, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)


def _box_muller_double(d: np.ndarray, mean: float, std: float) -> np.ndarray:
    """ATen's scalar ``normal_fill_16<double>`` on rows of 16 float64 uniforms."""
    u1 = 1.0 - d[:, :8]
    theta = 2.0 * math.pi * d[:, 8:]
    radius = np.sqrt(-2.0 * _libm(math.log, u1))
    n1 = radius * _libm_or_numpy("cos", theta)
    n2 = radius * _libm_or_numpy("sin", theta)
    return np.concatenate([_fma64(n1, std, mean), _fma64(n2, std, mean)], axis=1)


def _normal_fill(n: int, dtype: np.dtype, mean: float, std: float, gen: Generator
                 ) -> np.ndarray:
    """ATen's ``normal_fill``: all uniforms first, Box-Muller per block of 16, and a
    ragged tail redone from 16 fresh uniforms over the last 16 slots."""
    data = gen._uniform01(n, dtype)
    block = _box_muller_avx2 if dtype == np.float32 else _box_muller_double
    whole = n // 16 * 16
    out = np.empty(n, dtype)
    out[:whole] = _chunked(block, data[:whole].reshape(-1, 16), mean, std).ravel()
    if n % 16:
        out[n - 16:] = block(gen._uniform01(16, dtype).reshape(1, 16), mean, std).ravel()
    return out


def _normal_scalar(n: int, mean: float, std: float, gen: Generator) -> np.ndarray:
    """``n`` draws of ``normal_distribution<double>``: each fresh pair of random64
    uniforms gives ``r cos(theta)`` now and caches ``r sin(theta)`` for the next draw."""
    out = np.empty(n, np.float64)
    start = 0
    if n and gen._next_double is not None:
        out[0] = gen._next_double
        gen._next_double = None
        start = 1
    m = n - start
    if m:
        pairs = (m + 1) // 2
        u = gen._uniform01(2 * pairs, np.dtype(np.float64))
        r = np.sqrt(-2.0 * _libm(math.log1p, -u[1::2]))
        theta = 2.0 * math.pi * u[0::2]
        both = np.empty(2 * pairs)
        both[0::2] = r * _libm(math.cos, theta)
        both[1::2] = r * _libm(math.sin, theta)
        out[start:] = both[:m]
        if m % 2:
            gen._next_double = float(both[-1])
    return _fma64(out, std, mean)


def normal_(arr: np.ndarray, mean: float = 0.0, std: float = 1.0,
            generator: Generator | None = None) -> np.ndarray:
    """Fill a float array with N(mean, std²) as ``Tensor.normal_`` does."""
    if arr.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for {arr.dtype}')
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    gen = _gen(generator)
    if arr.size >= 16 and arr.flags.c_contiguous:
        dt = arr.dtype.type
        values = _normal_fill(arr.size, arr.dtype, dt(mean), dt(std), gen)
    else:
        values = _normal_scalar(arr.size, float(mean), float(std), gen).astype(arr.dtype)
    _write(arr, values)
    return arr


def random_(arr: np.ndarray, low: int, high: int, generator: Generator | None = None
            ) -> np.ndarray:
    """Fill with integers in [low, high): ``random() % range + low``, switching to
    ``random64()`` from a range of 2**28 up (ATen's ``uniform_int_from_to_distribution``
    in the public builds, which caps the modulo bias that way)."""
    span = int(high) - int(low)
    if span <= 0:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    gen = _gen(generator)
    if span >= 1 << 28:
        w = gen._random64(arr.size) % np.uint64(span)
        values = (w.astype(np.int64) + np.int64(low)) if span < 1 << 63 else np.array(
            [(int(v) + int(low) + (1 << 63)) % (1 << 64) - (1 << 63) for v in w], np.int64)
    else:
        values = (gen._random(arr.size) % np.uint64(span)).astype(np.int64) + np.int64(low)
    _write(arr, values.astype(arr.dtype))
    return arr


def randperm(n: int, generator: Generator | None = None) -> np.ndarray:
    """ATen's CPU ``randperm`` for n < 2**32 / 20: swap ``r[i]`` with
    ``r[i + random() % (n - i)]`` for i = 0 .. n - 2 (the draws come in one batch; the
    swaps are inherently sequential)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    if n >= 0xFFFFFFFF // 20:
        raise NotImplementedError("randperm of more than 214748364 elements")
    gen = _gen(generator)
    r = list(range(n))
    if n > 1:
        picks = (gen._random(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
        for i, z in enumerate(picks):
            j = i + z
            r[i], r[j] = r[j], r[i]
    return np.array(r, np.int64)
