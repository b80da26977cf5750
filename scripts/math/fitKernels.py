#!/usr/bin/env python3
"""Derives the constants of contracts/libraries/BlackScholes.sol (optional tool: needs Python 3 and mpmath).

Prints, in Q96 (x * 2**96, rounded to nearest):
  - the exp kernel: C(s) ~ r coth(r / 2), s = r**2 on [0, (ln2 / 2)**2], degree 4 (Chebyshev fit);
  - the ln kernel (LogMath.lnRatioQ96): A(w) ~ 2 atanh(sqrt w) / sqrt w on [0, ((sqrt2 - 1) / (sqrt2 + 1))**2], degree 8;
  - the normal tail R(x) = N(-x) exp(x**2 / 2) on [0, 8]: a rational P6 / Q7 minimising the absolute error of
    N(-x) (weight exp(-x**2 / 2)) by linearised least squares with Lawson reweighting, then its partial fractions
    (one real pole, e / (x + f), and three conjugate pairs, (a x + b) / (x^2 + c x + d)), numerators' constants in
    Q192 and the rest in Q96;
  - the scale constants.
Each fit's maximum error is printed beside it. Run: python3 scripts/math/fitKernels.py (about a minute).
"""
import mpmath as mp

mp.mp.dps = 50
Q96 = mp.mpf(2) ** 96


def q96(x):
    return int(mp.nint(x * Q96))


def tail_exact(x):
    return mp.ncdf(-x) * mp.exp(x * x / 2)


def fit_tail(n, m, cutoff, points=400, iterations=120):
    """Rational P_n / Q_m (Q(0) = 1) minimising max |exp(-x^2/2) (P/Q - R)| on [0, cutoff], in t = x / cutoff."""
    xs = [cutoff * (1 - mp.cos(mp.pi * (i + 0.5) / points)) / 2 for i in range(points)] + [mp.mpf(0), cutoff]
    f = [tail_exact(x) for x in xs]
    w = [mp.exp(-x * x / 2) for x in xs]
    t = [x / cutoff for x in xs]
    q_prev = [mp.mpf(1)] * len(xs)
    lawson = [mp.mpf(1)] * len(xs)
    best = None
    for _ in range(iterations):
        rows, rhs = [], []
        for k in range(len(xs)):
            s = w[k] / q_prev[k] * mp.sqrt(lawson[k])
            rows.append([s * t[k] ** i for i in range(n + 1)] + [-s * f[k] * t[k] ** j for j in range(1, m + 1)])
            rhs.append(s * f[k])
        c, _ = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))
        p = [sum(c[i] * tk**i for i in range(n + 1)) for tk in t]
        q = [1 + sum(c[n + j] * tk**j for j in range(1, m + 1)) for tk in t]
        err = [w[k] * (p[k] / q[k] - f[k]) for k in range(len(xs))]
        worst = max(abs(e) for e in err)
        if best is None or worst < best[0]:
            best = (worst, [c[i] for i in range(n + m + 1)])
        q_prev = q
        lawson = [lawson[k] * abs(err[k]) ** 0.5 for k in range(len(xs))]
        total = sum(lawson)
        lawson = [v / total for v in lawson]
    worst, c = best
    return worst, [c[i] / cutoff**i for i in range(n + 1)], [mp.mpf(1)] + [c[n + j] / cutoff**j for j in range(1, m + 1)]


def partial_fractions(p, q):
    """P / Q with deg P < deg Q and simple poles, as [(e, f)] for a real pole, e / (x + f), and [(a, b, c, d)] for a
    complex-conjugate pair, (a x + b) / (x^2 + c x + d)."""
    roots = mp.polyroots(q[::-1], maxsteps=400, extraprec=400)
    dq = lambda x: sum(i * q[i] * x ** (i - 1) for i in range(1, len(q)))
    pv = lambda x: sum(p[i] * x**i for i in range(len(p)))
    terms, used = [], set()
    for i, r in enumerate(roots):
        if i in used:
            continue
        if abs(mp.im(r)) < 1e-30:
            used.add(i)
            terms.append((mp.re(pv(r) / dq(r)), -mp.re(r)))
            continue
        j = [k for k, s in enumerate(roots) if k not in used and k != i and abs(s - mp.conj(r)) < 1e-20][0]
        used |= {i, j}
        res = pv(r) / dq(r)
        terms.append((2 * mp.re(res), -2 * mp.re(res * mp.conj(r)), -2 * mp.re(r), abs(r) ** 2))
    return terms


def main():
    ln2 = mp.log(2)
    r_coth = lambda s: mp.mpf(2) if s == 0 else mp.sqrt(s) * mp.coth(mp.sqrt(s) / 2)
    coeffs, err = mp.chebyfit(r_coth, [0, (ln2 / 2) ** 2], 5, error=True)
    print("exp kernel C (highest degree first), max error", mp.nstr(err, 3), [q96(v) for v in coeffs])

    atanh_ratio = lambda w: mp.mpf(2) if w == 0 else 2 * mp.atanh(mp.sqrt(w)) / mp.sqrt(w)
    coeffs, err = mp.chebyfit(atanh_ratio, [0, ((mp.sqrt(2) - 1) / (mp.sqrt(2) + 1)) ** 2], 9, error=True)
    print("ln kernel A (highest degree first), max relative error", mp.nstr(err, 3), [q96(v) for v in coeffs])

    worst, p, q = fit_tail(6, 7, mp.mpf(8), points=300, iterations=60)
    print("tail P6/Q7 weighted max error", mp.nstr(worst, 3))
    q192 = lambda x: int(mp.nint(x * Q96 * Q96))
    signed = lambda v, scale: ("-" if v < 0 else "") + str(scale(abs(v)))
    for term in partial_fractions(p, q):
        if len(term) == 2:
            print("  e / (x + f), e in Q192:", [signed(term[0], q192), signed(term[1], q96)])
        else:
            a, b, c, d = term
            print("  (a x + b) / (x^2 + c x + d), b in Q192:", [signed(a, q96), signed(b, q192), q96(c), q96(d)])

    year = 365 * 86400
    print("VOL_SQRT_TIME_TO_Q96", int(mp.floor(mp.mpf(2) ** 160 / (mp.sqrt(year) * 10**18))))
    print("LN2_Q96", int(mp.floor(ln2 * Q96)), "SQRT2_Q96", int(mp.floor(mp.sqrt(2) * Q96)))
    print("INV_SQRT_2PI_WAD", int(mp.nint(10**18 / mp.sqrt(2 * mp.pi))))


if __name__ == "__main__":
    main()
